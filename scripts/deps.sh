#!/usr/bin/env bash
# Installs the Debian 12 packages ptnet needs, only when one is missing.
# Usage: scripts/deps.sh            (build + test + bench dependencies)
set -euo pipefail
pkgs=(g++ meson ninja-build pkg-config liburing-dev libxxhash-dev libmimalloc-dev
      libgtest-dev libgmock-dev libbenchmark-dev libboost-dev libcli11-dev
      libsimdjson-dev libsodium-dev libenet-dev python3 procps)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
[ -n "${PTNET_APT_UPDATED:-}" ] || $SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
