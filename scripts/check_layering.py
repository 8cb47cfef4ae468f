#!/usr/bin/env python3
"""Fails when an #include crosses the module layering the wrong way.

The layering (docs/architecture.md): app, bench, examples -> game -> tcp, rudp
-> core -> io -> base; simd is a leaf anyone may use. A module may include
itself and anything below it, never a sibling or anything above.

Usage: check_layering.py REPO_ROOT   (exit 1 and one line per offence)
"""
import os
import re
import sys

BELOW = {
    "base": set(),
    "simd": {"base"},
    "io": {"base", "simd"},
    "core": {"io", "base", "simd"},
    "tcp": {"core", "io", "base", "simd"},
    "rudp": {"core", "io", "base", "simd"},
    "game": {"tcp", "rudp", "core", "io", "base", "simd"},
}
TOP = {"app", "bench", "examples"}  # may use game and everything below it
for mod in TOP:
    BELOW[mod] = {"game", "tcp", "rudp", "core", "io", "base", "simd"}
MODULES = set(BELOW) | {"tests"}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([A-Za-z_]+)/')


def offences(root):
    for mod, allowed in sorted(BELOW.items()):
        top = os.path.join(root, mod)
        for dirpath, _, files in os.walk(top):
            for name in sorted(files):
                if not name.endswith((".h", ".cc")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, errors="replace") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if m and m.group(1) in MODULES and m.group(1) != mod and m.group(1) not in allowed:
                            yield f"{os.path.relpath(path, root)}:{n}: {mod}/ must not include {m.group(1)}/"


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = list(offences(root))
    for b in bad:
        print(b)
    print(f"layering: {len(bad)} wrong-way include(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
