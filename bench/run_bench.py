#!/usr/bin/env python3
"""`make bench`: ptnet against the Boost.Asio and hand-written epoll peers, side by side.

Every figure is measured in one run on this machine: for each repetition, for each load point,
for each server, a fresh server is started pinned to CPU 0 (`taskset -c 0`), driven by
`ptnet-load` pinned to CPU 1, and stopped (SIGTERM, then SIGKILL after a timeout). On a 2-core
box the load generator saturates first, so the server core's busy time per echoed message
(`server_cpu_us_per_msg`), not msgs/s, ranks the servers.

The chat section (on by default, `--no-chat` skips it) runs the Police Thief game protocol:
`ptnet-load --mode chat` logs --chat-users users into rooms of --chat-room-size (binary encoding)
and has them chat; every ChatMessage is delivered to every member of the room, sender included.
The servers are ptnet's game server (`ptnet-server` without --echo) and `peer-asio-chat` (the
seed-002 design: io_context pool, shared_mutex-guarded session map, one async_write per member);
the ranking metric is deliveries per server-CPU-second.

Prints a markdown report (also written to BUILD/bench-report.md). Exit status is non-zero only
when a run failed outright (server did not start or died, load generator failed or timed out,
binary missing); a missed performance target is reported as MISSED and does not fail the run.

Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import random
import resource
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time

SERVER_NAMES = ("ptnet", "asio", "epoll")  # the echo (transport) servers
CHAT_SERVER_NAMES = ("ptnet", "asio-chat")  # the game-protocol servers
ALL_SERVER_NAMES = SERVER_NAMES + ("asio-chat",)
SERVER_LABELS = {
    "ptnet": "ptnet",
    "asio": "Boost.Asio (seed-002 style)",
    "epoll": "epoll (hand-written)",
    "asio-chat": "Boost.Asio (seed-002 style)",
}
SERVER_CPU = "0"
LOAD_CPU = "1"
HOST = "127.0.0.1"
PAYLOAD = 64
IDLE_CONNS = 10000
IDLE_DURATION = 2

# CPU-per-message targets: ptnet / epoll <= bound, per point.
CPU_TARGETS = {(100, 1): 0.95, (100, 16): 1.0, (1000, 1): 1.0}
# Throughput target: ptnet / asio >= bound, per point.
RATE_TARGETS = {(100, 16): 15.0}
IDLE_TARGET_BYTES = 4096
# Chat target: ptnet / asio-chat deliveries per server-CPU-second >= bound.
CHAT_TARGET = 5.0
CHAT_ENCODING = "binary"

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# processes


def raise_nofile():
    """Children inherit the highest open-file limit allowed (10,000 idle connections)."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        pass


class PortPicker:
    """Hands out a port that is free right now, never the same one twice in a session.

    Ports come from below the ephemeral range so the load generator's own client ports never
    collide with them."""

    def __init__(self):
        self.next = random.randrange(20000, 28000)

    def pick(self):
        for _ in range(2000):
            port = self.next
            self.next = 20000 if self.next >= 31999 else self.next + 1
            if self._free(port):
                return port
        raise RuntimeError("no free TCP port found in 20000-31999")

    @staticmethod
    def _free(port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False
        finally:
            s.close()


def server_cmd(name, build, port, kind="echo"):
    if kind == "chat":
        if name == "ptnet":
            exe = os.path.join(build, "app", "ptnet-server")
            args = ["--cpus", SERVER_CPU, "--tcp-port", str(port), "--host", HOST]
        else:
            exe = os.path.join(build, "bench", "peers", "peer-asio-chat")
            args = ["--port", str(port), "--threads", "1"]
        return exe, ["taskset", "-c", SERVER_CPU, exe] + args
    if name == "ptnet":
        exe = os.path.join(build, "app", "ptnet-server")
        args = ["--echo", "--cpus", SERVER_CPU, "--tcp-port", str(port)]
    elif name == "asio":
        exe = os.path.join(build, "bench", "peers", "peer-asio-echo")
        args = ["--port", str(port), "--threads", "1"]
    else:
        exe = os.path.join(build, "bench", "peers", "peer-epoll-echo")
        args = ["--port", str(port)]
    return exe, ["taskset", "-c", SERVER_CPU, exe] + args


def port_accepts(port):
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def tail(path, lines=4):
    try:
        with open(path, "r", errors="replace") as f:
            return " / ".join(l.strip() for l in f.readlines()[-lines:] if l.strip())
    except OSError:
        return ""


def exit_text(code):
    if code is None:
        return "unknown exit"
    if code < 0:
        try:
            return "killed by %s" % signal.Signals(-code).name
        except ValueError:
            return "killed by signal %d" % -code
    return "exit code %d" % code


def cell(text, limit=200):
    """Makes text safe for one markdown table cell."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 1] + "…"


class Server:
    """One server process started by this script (and only ever signalled by its PID)."""

    def __init__(self, name, build, port, logdir, kind="echo"):
        self.name = name
        self.port = port
        self.kind = kind
        self.exe, self.cmd = server_cmd(name, build, port, kind)
        self.log_path = os.path.join(logdir, "server-%s-%s-%d.log" % (kind, name, port)
                                     if kind != "echo" else "server-%s-%d.log" % (name, port))
        self.proc = None
        self.exit_code = None

    def printed_listening(self):
        """True once the server printed its "listening on :PORT" line (stdout goes to the log)."""
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return ("listening on :%d" % self.port) in f.read()
        except OSError:
            return False

    def start(self):
        """Starts the server and waits until it is ready; returns an error string or None.

        Echo servers are ready when their port accepts connections; chat servers when they
        printed "listening on :PORT" (no probe connection: a game server would see a client
        that never sends Connect)."""
        logf = open(self.log_path, "w")
        try:
            # taskset execs the server: the child PID is the server's PID.
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=logf,
                                         stderr=subprocess.STDOUT, preexec_fn=raise_nofile)
        except OSError as e:
            logf.close()
            return "cannot start %s: %s" % (self.cmd[0], e)
        logf.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                return "server %s before listening: %s" % (
                    exit_text(self.exit_code), tail(self.log_path) or "(no output)")
            if self.kind == "chat":
                if self.printed_listening():
                    return None
            elif port_accepts(self.port):
                return None
            time.sleep(0.05)
        self.stop()
        if self.kind == "chat":
            return "server did not print \"listening on :%d\" within %.0f s" % (
                self.port, START_TIMEOUT_S)
        return "server did not accept connections on :%d within %.0f s" % (self.port,
                                                                          START_TIMEOUT_S)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM, then SIGKILL after STOP_TIMEOUT_S; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                log("  %s (pid %d) ignored SIGTERM for %.0f s: SIGKILL" %
                    (self.name, self.proc.pid, STOP_TIMEOUT_S))
                try:
                    os.kill(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        self.exit_code = self.proc.returncode
        return self.exit_code


def run_load(load_prefix, args, timeout):
    """Runs the load generator; returns (result dict or None, rc, error string or None)."""
    cmd = ["taskset", "-c", LOAD_CPU] + load_prefix + args
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, preexec_fn=raise_nofile)
    except OSError as e:
        return None, None, "cannot start load generator: %s" % e
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()  # our own child, by PID
        out, err = proc.communicate()
        return None, None, "load generator timed out after %.0f s" % timeout
    except BaseException:  # Ctrl-C: do not leave the load generator behind
        proc.kill()
        proc.wait()
        raise
    result = None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                result = json.loads(line)
            except ValueError:
                pass
    if proc.returncode == 2:
        msg = (err.strip().splitlines() or ["(no message)"])[-1]
        return result, 2, "load generator: usage/connect failure (exit 2): %s" % msg
    if result is None:
        msg = (err.strip().splitlines() or ["(no message)"])[-1]
        return None, proc.returncode, "load generator printed no JSON (exit %s): %s" % (
            proc.returncode, msg)
    if proc.returncode not in (0, 1):
        return result, proc.returncode, "load generator exited with code %s" % proc.returncode
    return result, proc.returncode, None


def one_run(name, build, ports, logdir, load_prefix, load_args_fn, timeout, kind="echo"):
    """Fresh server, load, stop. Returns a raw record."""
    port = ports.pick()
    srv = Server(name, build, port, logdir, kind)
    rec = {"server": name, "port": port, "server_cmd": srv.cmd, "ok": False, "error": None,
           "result": None, "load_rc": None, "server_exit": None}
    if not os.path.exists(srv.exe):
        rec["error"] = "binary missing: %s" % srv.exe
        return rec
    died, err = False, None
    try:
        err = srv.start()
        if err:
            rec["error"] = err
            return rec
        args = load_args_fn(port, srv.proc.pid)
        rec["load_cmd"] = ["taskset", "-c", LOAD_CPU] + load_prefix + args
        result, rc, err = run_load(load_prefix, args, timeout)
        rec["result"], rec["load_rc"] = result, rc
        died = not srv.alive()
    finally:
        rec["server_exit"] = srv.stop()
    if died:
        rec["error"] = "server died during the run (%s): %s" % (
            exit_text(rec["server_exit"]), tail(srv.log_path) or "(no output)")
    elif err:
        rec["error"] = err
    else:
        rec["ok"] = True
    return rec


# --------------------------------------------------------------------------------------------
# statistics and report


def parse_points(text):
    points = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            conns, depth = item.lower().split("x")
            points.append((int(conns), int(depth)))
        except ValueError:
            raise argparse.ArgumentTypeError("bad point %r (want CONNSxDEPTH)" % item)
    if not points:
        raise argparse.ArgumentTypeError("no points")
    return points


def parse_servers(text):
    names = [s.strip() for s in text.split(",") if s.strip()]
    for n in names:
        if n not in ALL_SERVER_NAMES:
            raise argparse.ArgumentTypeError("unknown server %r (known: %s)" %
                                             (n, ",".join(ALL_SERVER_NAMES)))
    if not names:
        raise argparse.ArgumentTypeError("no servers")
    return names


def num(result, key):
    v = result.get(key) if result else None
    return float(v) if isinstance(v, (int, float)) else None


def median_of(records, key):
    vals = [num(r["result"], key) for r in records]
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def summarize(records):
    """records: the successful runs of one server at one point."""
    cpu = [num(r["result"], "server_cpu_us_per_msg") for r in records]
    cpu = [v for v in cpu if v is not None and v > 0]
    return {
        "runs": len(records),
        "msgs_per_s": median_of(records, "msgs_per_s"),
        "p50_us": median_of(records, "p50_us"),
        "p99_us": median_of(records, "p99_us"),
        "cpu_us_per_msg": statistics.median(cpu) if cpu else None,
        "cpu_min": min(cpu) if cpu else None,
        "cpu_max": max(cpu) if cpu else None,
        "errors": sum(int(num(r["result"], "errors") or 0) for r in records),
    }


def summarize_chat(records):
    """records: the successful chat runs of one server."""
    eff = [num(r["result"], "deliveries_per_server_cpu_s") for r in records]
    eff = [v for v in eff if v is not None and v > 0]
    return {
        "runs": len(records),
        "msgs_per_s": median_of(records, "msgs_per_s"),
        "deliveries_per_s": median_of(records, "deliveries_per_s"),
        "p50_us": median_of(records, "p50_us"),
        "p99_us": median_of(records, "p99_us"),
        "deliveries_per_server_cpu_s": statistics.median(eff) if eff else None,
        "eff_min": min(eff) if eff else None,
        "eff_max": max(eff) if eff else None,
        "errors": sum(int(num(r["result"], "errors") or 0) for r in records),
    }


def chat_point_name(chat):
    return "%d users × rooms of %d, depth %d" % (chat["users"], chat["room_size"], chat["depth"])


def build_chat_section(chat, chat_servers, chat_runs):
    """Markdown lines for the chat section and the per-server summaries."""
    L = []
    summaries = {}
    L.append("## Chat: %s (%s encoding, %d-byte messages)" % (
        chat_point_name(chat), CHAT_ENCODING, PAYLOAD))
    L.append("")
    L.append("Every ChatMessage goes to every member of the sender's room, sender included; "
             "latency is per delivery. `deliveries / server-CPU-s` is the ranking metric.")
    L.append("")
    L.append("| server | runs ok | msgs/s | deliveries/s | delivery p50 µs | delivery p99 µs | "
             "deliveries / server-CPU-s (min–max) | errors |")
    L.append("|---|---|---|---|---|---|---|---|")
    for s in chat_servers:
        recs = [r for r in chat_runs if r["server"] == s]
        good = [r for r in recs if r["ok"] and r["result"]]
        sm = summarize_chat(good)
        summaries[s] = sm
        if not recs:
            continue
        spread = ""
        if sm["eff_min"] is not None:
            spread = " (%s–%s)" % (fmt_rate(sm["eff_min"]), fmt_rate(sm["eff_max"]))
        L.append("| %s | %d/%d | %s | %s | %s | %s | %s%s | %d |" % (
            SERVER_LABELS[s], len(good), len(recs), fmt_rate(sm["msgs_per_s"]),
            fmt_rate(sm["deliveries_per_s"]), fmt(sm["p50_us"], 1), fmt(sm["p99_us"], 1),
            fmt_rate(sm["deliveries_per_server_cpu_s"]), spread, sm["errors"]))
        failed = [r for r in recs if not r["ok"]]
        for r in failed[:3]:
            L.append("|  ↳ FAILED | rep %d | %s | | | | | |" % (r["rep"], cell(r["error"])))
    if "ptnet" in summaries and "asio-chat" in summaries:
        pt, pe = summaries["ptnet"], summaries["asio-chat"]
        L.append("")
        L.append("- ptnet / asio: deliveries per server-CPU-second **%s×**, deliveries/s **%s×**" % (
            fmt(ratio(pt["deliveries_per_server_cpu_s"], pe["deliveries_per_server_cpu_s"])),
            fmt(ratio(pt["deliveries_per_s"], pe["deliveries_per_s"]))))
    L.append("")
    return L, summaries


def fmt(v, digits=2):
    if v is None:
        return "n/a"
    return "%.*f" % (digits, v)


def fmt_rate(v):
    if v is None:
        return "n/a"
    if v >= 1e6:
        return "%.2fM" % (v / 1e6)
    if v >= 1e3:
        return "%.0fk" % (v / 1e3)
    return "%.0f" % v


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def point_name(p):
    return "%d×%d" % p


def build_report(args, points, servers, echo_runs, idle_runs, started, finished, chat=None,
                 chat_servers=(), chat_runs=()):
    L = []
    L.append("# ptnet transport benchmark")
    L.append("")
    L.append("%s → %s on %s (%s, kernel %s, %d CPUs). Servers pinned to CPU %s, `ptnet-load` to "
             "CPU %s; %d-byte payloads; %d rep(s) of %g s (+%g s warm-up) per server and point, "
             "interleaved, a fresh server per run. Medians over reps; CPU spread is min–max." % (
                 started.strftime("%Y-%m-%d %H:%M:%S"), finished.strftime("%H:%M:%S"),
                 platform.node(), cpu_model(), platform.release(), os.cpu_count() or 0,
                 SERVER_CPU, LOAD_CPU, PAYLOAD, args.reps, args.duration, args.warmup))
    L.append("")
    L.append("`server µs/msg` is the server's CPU time per echoed message (the ranking metric on a "
             "2-core box, where the load generator saturates first).")
    L.append("")

    summaries = {}
    for p in points:
        L.append("## %s connections × depth %d" % p)
        L.append("")
        L.append("| server | runs ok | msgs/s | p50 µs | p99 µs | server µs/msg (min–max) | errors |")
        L.append("|---|---|---|---|---|---|---|")
        for s in servers:
            recs = [r for r in echo_runs if r["point"] == list(p) and r["server"] == s]
            good = [r for r in recs if r["ok"] and r["result"]]
            sm = summarize(good)
            summaries[(p, s)] = sm
            if not recs:
                continue
            spread = ""
            if sm["cpu_min"] is not None:
                spread = " (%s–%s)" % (fmt(sm["cpu_min"]), fmt(sm["cpu_max"]))
            L.append("| %s | %d/%d | %s | %s | %s | %s%s | %d |" % (
                SERVER_LABELS[s], len(good), len(recs), fmt_rate(sm["msgs_per_s"]),
                fmt(sm["p50_us"], 1), fmt(sm["p99_us"], 1), fmt(sm["cpu_us_per_msg"]), spread,
                sm["errors"]))
            failed = [r for r in recs if not r["ok"]]
            for r in failed[:3]:
                L.append("|  ↳ FAILED | rep %d | %s | | | | |" % (r["rep"], cell(r["error"])))
        if "ptnet" in servers:
            L.append("")
            pt = summaries.get((p, "ptnet"))
            for peer in ("asio", "epoll"):
                if peer not in servers:
                    continue
                pe = summaries.get((p, peer))
                L.append("- ptnet / %s: server µs/msg **%s×**, msgs/s **%s×**" % (
                    peer, fmt(ratio(pt["cpu_us_per_msg"], pe["cpu_us_per_msg"])),
                    fmt(ratio(pt["msgs_per_s"], pe["msgs_per_s"]))))
        L.append("")

    idle_summary = {}
    if idle_runs:
        L.append("## Idle memory: %d idle connections, one shard" % IDLE_CONNS)
        L.append("")
        L.append("| server | established | RSS before KiB | RSS after KiB | bytes / connection | "
                 "errors |")
        L.append("|---|---|---|---|---|---|")
        for r in idle_runs:
            res = r["result"] or {}
            if r["ok"]:
                idle_summary[r["server"]] = num(res, "rss_per_conn_bytes")
                L.append("| %s | %s | %s | %s | %s | %s |" % (
                    SERVER_LABELS[r["server"]], res.get("established", "n/a"),
                    res.get("rss_before_kib", "n/a"), res.get("rss_after_kib", "n/a"),
                    fmt(num(res, "rss_per_conn_bytes"), 0), res.get("errors", "n/a")))
            else:
                L.append("| %s | FAILED: %s | | | | |" % (SERVER_LABELS[r["server"]],
                                                        cell(r["error"])))
        L.append("")

    chat_summary = {}
    if chat is not None and chat_servers:
        lines, chat_summary = build_chat_section(chat, chat_servers, chat_runs)
        L.extend(lines)

    # targets
    L.append("## Targets")
    L.append("")
    L.append("| target | measured | result |")
    L.append("|---|---|---|")
    missed = 0
    checks = []
    for p, bound in CPU_TARGETS.items():
        if p in points and "ptnet" in servers and "epoll" in servers:
            r = ratio(summaries[(p, "ptnet")]["cpu_us_per_msg"],
                      summaries[(p, "epoll")]["cpu_us_per_msg"])
            checks.append(("server µs/msg at %s: ptnet ≤ %.2f× epoll" % (point_name(p), bound),
                           r, r is not None and r <= bound, "%s×"))
    for p, bound in RATE_TARGETS.items():
        if p in points and "ptnet" in servers and "asio" in servers:
            r = ratio(summaries[(p, "ptnet")]["msgs_per_s"], summaries[(p, "asio")]["msgs_per_s"])
            checks.append(("msgs/s at %s: ptnet ≥ %.0f× asio" % (point_name(p), bound),
                           r, r is not None and r >= bound, "%s×"))
    if chat is not None and "ptnet" in chat_summary and "asio-chat" in chat_summary:
        r = ratio(chat_summary["ptnet"]["deliveries_per_server_cpu_s"],
                  chat_summary["asio-chat"]["deliveries_per_server_cpu_s"])
        checks.append(("chat deliveries per server-CPU-second (%s): ptnet ≥ %.0f× asio" % (
            chat_point_name(chat), CHAT_TARGET), r, r is not None and r >= CHAT_TARGET, "%s×"))
    if idle_runs and any(r["server"] == "ptnet" for r in idle_runs):
        b = idle_summary.get("ptnet")
        checks.append(("idle RSS per connection: ptnet ≤ %d B" % IDLE_TARGET_BYTES,
                       b, b is not None and b <= IDLE_TARGET_BYTES, "%s B"))
    if not checks:
        L.append("| (no target applies to the selected servers and points) | | |")
    for label, value, ok, unit in checks:
        if value is None:
            verdict = "**N/A** (no data)"
            missed += 1
        elif ok:
            verdict = "PASS"
        else:
            verdict = "**MISSED**"
            missed += 1
        shown = unit % fmt(value, 0 if unit == "%s B" else 2) if value is not None else "n/a"
        L.append("| %s | %s | %s |" % (label, shown, verdict))
    L.append("")
    if checks:
        L.append("%d of %d targets met%s." % (len(checks) - missed, len(checks),
                                              "" if missed == 0 else " — SOME TARGETS MISSED"))
        L.append("")
    return "\n".join(L), summaries, chat_summary


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


# --------------------------------------------------------------------------------------------
# main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="meson build directory (default: build)")
    ap.add_argument("--reps", type=int, default=5, help="repetitions per server and point (5)")
    ap.add_argument("--duration", type=float, default=4.0, help="measured seconds per run (4)")
    ap.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per run (1)")
    ap.add_argument("--points", type=parse_points, default=parse_points("100x1,100x16,1000x1"),
                    help="CONNSxDEPTH list (default 100x1,100x16,1000x1)")
    ap.add_argument("--servers", type=parse_servers, default=list(SERVER_NAMES),
                    help="subset of ptnet,asio,epoll,asio-chat (default: ptnet,asio,epoll); the "
                         "chat section runs ptnet, and peer-asio-chat when asio or asio-chat is "
                         "listed")
    ap.add_argument("--quick", action="store_true", help="1 rep of 2 s (smoke test)")
    ap.add_argument("--json-out", metavar="FILE", help="write every raw result to FILE")
    ap.add_argument("--no-idle", action="store_true", help="skip the idle-memory point")
    ap.add_argument("--no-echo", action="store_true", help="skip the echo points")
    ap.add_argument("--no-chat", action="store_true", help="skip the chat section")
    ap.add_argument("--chat-depth", type=int, default=1,
                    help="chat messages in flight per user (1)")
    ap.add_argument("--chat-users", type=int, default=1000, help="chat users (1000)")
    ap.add_argument("--chat-room-size", type=int, default=50, help="users per chat room (50)")
    # Testing hook: replace the ptnet-load binary with another command (its flags are appended).
    ap.add_argument("--load-cmd", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.quick:
        args.reps, args.duration = 1, 2.0
    if args.reps < 1 or args.duration <= 0 or args.warmup < 0:
        ap.error("--reps must be >= 1, --duration > 0, --warmup >= 0")
    if args.chat_depth < 1 or args.chat_users < 1 or args.chat_room_size < 1:
        ap.error("--chat-depth, --chat-users and --chat-room-size must be >= 1")

    build = os.path.abspath(args.build)
    # Echo and idle run the transport servers; chat runs ptnet's game server and the Asio chat
    # peer ("asio" stands for both Asio peers).
    servers = [s for s in args.servers if s in SERVER_NAMES]
    points = [] if args.no_echo or not servers else args.points
    chat_servers = []
    if not args.no_chat:
        if "ptnet" in args.servers:
            chat_servers.append("ptnet")
        if "asio" in args.servers or "asio-chat" in args.servers:
            chat_servers.append("asio-chat")
    chat = None
    if chat_servers:
        chat = {"users": args.chat_users, "room_size": args.chat_room_size,
                "depth": args.chat_depth}
    if args.load_cmd:
        load_prefix = shlex.split(args.load_cmd)
    else:
        load_prefix = [os.path.join(build, "bench", "load", "ptnet-load")]
        if not os.path.exists(load_prefix[0]):
            log("run_bench: load generator missing: %s (build it first: ninja -C %s)" %
                (load_prefix[0], args.build))
            return 1
    if (os.cpu_count() or 1) < 2:
        log("run_bench: warning: fewer than 2 CPUs; server and load generator share a core")

    logdir = os.path.join(build, "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    for s in servers if points or not args.no_idle else []:
        exe = server_cmd(s, build, 0)[0]
        if not os.path.exists(exe):
            log("run_bench: %s binary missing: %s — its runs will be reported as FAILED" %
                (s, exe))
    for s in chat_servers:
        exe = server_cmd(s, build, 0, "chat")[0]
        if not os.path.exists(exe):
            log("run_bench: %s binary missing: %s — its chat runs will be reported as FAILED" %
                (s, exe))

    ports = PortPicker()
    started = datetime.datetime.now()
    echo_runs, idle_runs, chat_runs = [], [], []
    timeout = args.warmup + args.duration + 60
    chat_timeout = timeout + 60  # logging users in takes longer than opening echo connections

    def echo_args(conns, depth):
        def fn(port, pid):
            return ["--mode", "echo", "--host", HOST, "--port", str(port), "--conns", str(conns),
                    "--depth", str(depth), "--size", str(PAYLOAD), "--duration",
                    "%g" % args.duration, "--warmup", "%g" % args.warmup, "--cpus", LOAD_CPU,
                    "--json", "--quiet", "--server-pid", str(pid)]
        return fn

    def chat_args(port, pid):
        return ["--mode", "chat", "--host", HOST, "--port", str(port), "--users",
                str(args.chat_users), "--room-size", str(args.chat_room_size), "--encoding",
                CHAT_ENCODING, "--size", str(PAYLOAD), "--depth", str(args.chat_depth),
                "--duration", "%g" % args.duration, "--warmup", "%g" % args.warmup, "--cpus",
                LOAD_CPU, "--json", "--quiet", "--server-pid", str(pid)]

    def run_chat(rep, n, total):
        order = chat_servers[rep % len(chat_servers):] + chat_servers[:rep % len(chat_servers)]
        for s in order:
            n += 1
            rec = one_run(s, build, ports, logdir, load_prefix, chat_args, chat_timeout, "chat")
            rec.update({"kind": "chat", "rep": rep + 1, "point": [chat["users"],
                                                                  chat["room_size"],
                                                                  chat["depth"]]})
            if rec["ok"] and (rec["result"] or {}).get("mode") != "chat":
                rec["ok"], rec["error"] = False, "load generator did not report chat mode"
            chat_runs.append(rec)
            res = rec["result"] or {}
            if rec["ok"]:
                log("[%d/%d] rep %d chat      %-9s %8s msgs/s %9s deliv/s  p99 %8s µs  "
                    "%s deliv/CPU-s  errors %s" % (
                        n, total, rep + 1, s, fmt_rate(num(res, "msgs_per_s")),
                        fmt_rate(num(res, "deliveries_per_s")), fmt(num(res, "p99_us"), 1),
                        fmt_rate(num(res, "deliveries_per_server_cpu_s")),
                        res.get("errors", "?")))
            else:
                log("[%d/%d] rep %d chat      %-9s FAILED: %s" % (n, total, rep + 1, s,
                                                                   rec["error"]))
        return n

    total = args.reps * (len(points) * len(servers) + len(chat_servers))
    n = 0
    for rep in range(args.reps):
        for p in points:
            # Rotate the server order each repetition so no server always runs first.
            order = servers[rep % len(servers):] + servers[:rep % len(servers)]
            for s in order:
                n += 1
                rec = one_run(s, build, ports, logdir, load_prefix, echo_args(*p), timeout)
                rec.update({"kind": "echo", "rep": rep + 1, "point": list(p)})
                echo_runs.append(rec)
                res = rec["result"] or {}
                if rec["ok"]:
                    log("[%d/%d] rep %d %-9s %-6s %10s msgs/s  p99 %8s µs  %s µs/msg  errors %s" % (
                        n, total, rep + 1, point_name(p), s, fmt_rate(num(res, "msgs_per_s")),
                        fmt(num(res, "p99_us"), 1), fmt(num(res, "server_cpu_us_per_msg")),
                        res.get("errors", "?")))
                else:
                    log("[%d/%d] rep %d %-9s %-6s FAILED: %s" % (n, total, rep + 1,
                                                                 point_name(p), s, rec["error"]))
        if chat_servers:
            n = run_chat(rep, n, total)

    if not args.no_idle:
        def idle_args(port, pid):
            return ["--mode", "idle", "--host", HOST, "--port", str(port), "--conns",
                    str(IDLE_CONNS), "--duration", str(IDLE_DURATION), "--cpus", LOAD_CPU,
                    "--json", "--quiet", "--server-pid", str(pid)]
        for s in servers:  # the transport servers only
            rec = one_run(s, build, ports, logdir, load_prefix, idle_args, 120)
            rec.update({"kind": "idle", "rep": 1, "point": [IDLE_CONNS, 0]})
            if rec["ok"] and (rec["result"] or {}).get("mode") not in (None, "idle"):
                rec["ok"], rec["error"] = False, "load generator did not report idle mode"
            idle_runs.append(rec)
            res = rec["result"] or {}
            if rec["ok"]:
                log("[idle] %-6s %s established, %s B/conn" % (
                    s, res.get("established", "?"), fmt(num(res, "rss_per_conn_bytes"), 0)))
            else:
                log("[idle] %-6s FAILED: %s" % (s, rec["error"]))

    finished = datetime.datetime.now()
    report, summaries, chat_summary = build_report(args, points, servers, echo_runs, idle_runs,
                                                   started, finished, chat, chat_servers,
                                                   chat_runs)
    failed = [r for r in echo_runs + idle_runs + chat_runs if not r["ok"]]
    if failed:
        report += "\n**%d run(s) FAILED** (see above and %s).\n" % (len(failed), logdir)
    with_errors = [r for r in echo_runs + idle_runs + chat_runs
                   if r["ok"] and num(r["result"], "errors")]
    if with_errors:
        report += "\n**WARNING: %d run(s) reported errors.**\n" % len(with_errors)
    print(report, flush=True)

    report_path = os.path.join(build, "bench-report.md")
    try:
        with open(report_path, "w") as f:
            f.write(report + "\n")
        log("report written to %s" % report_path)
    except OSError as e:
        log("run_bench: cannot write %s: %s" % (report_path, e))
    if args.json_out:
        out = {
            "started": started.isoformat(), "finished": finished.isoformat(),
            "params": {"reps": args.reps, "duration": args.duration, "warmup": args.warmup,
                       "points": [list(p) for p in points], "servers": servers,
                       "payload": PAYLOAD, "server_cpu": SERVER_CPU, "load_cpu": LOAD_CPU,
                       "chat": chat, "chat_servers": chat_servers,
                       "chat_encoding": CHAT_ENCODING},
            "echo_runs": echo_runs, "idle_runs": idle_runs, "chat_runs": chat_runs,
            "summary": [dict(point=list(p), server=s, **sm)
                        for (p, s), sm in summaries.items()],
            "chat_summary": [dict(server=s, **sm) for s, sm in chat_summary.items()],
        }
        with open(args.json_out, "w") as f:
            json.dump(out, f, indent=1)
        log("raw results written to %s" % args.json_out)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # Servers are stopped in one_run's finally clause; the load generator got the SIGINT too.
        log("run_bench: interrupted")
        sys.exit(130)
