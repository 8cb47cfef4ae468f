#include "LoadOptions.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sched.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "FrameCodec.h"

namespace ptnet::load {

namespace {

std::vector<int> affinity_cpus() {
  std::vector<int> out;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) out.push_back(c);
  return out;
}

// "1", "0,2-3". Returns false on bad syntax, descending ranges, duplicates.
bool parse_cpu_list(const std::string& text, std::vector<int>& out) {
  out.clear();
  size_t i = 0;
  auto number = [&](int& v) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
    long n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i++] - '0');
      if (n >= CPU_SETSIZE) return false;
    }
    v = int(n);
    return true;
  };
  while (i < text.size()) {
    int lo = 0, hi = 0;
    if (!number(lo)) return false;
    hi = lo;
    if (i < text.size() && text[i] == '-') {
      ++i;
      if (!number(hi) || hi < lo) return false;
    }
    for (int c = lo; c <= hi; ++c) {
      for (int seen : out)
        if (seen == c) return false;
      out.push_back(c);
    }
    if (i < text.size()) {
      if (text[i] != ',') return false;
      ++i;
      if (i == text.size()) return false;
    }
  }
  return !out.empty();
}

bool resolve(const std::string& host, uint16_t port, sockaddr_in& addr) {
  addr = sockaddr_in{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) == 1) return true;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) return false;
  addr.sin_addr = reinterpret_cast<const sockaddr_in*>(res->ai_addr)->sin_addr;
  freeaddrinfo(res);
  return true;
}

int usage_error(const char* fmt, const std::string& what) {
  std::fprintf(stderr, "ptnet-load: ");
  std::fprintf(stderr, fmt, what.c_str());
  std::fprintf(stderr, "\nRun with --help for more information.\n");
  return 2;
}

}  // namespace

int LoadOptions::parse(int argc, char** argv, LoadOptions& out) {
  CLI::App app{
      "ptnet-load: io_uring load generator for framed-echo servers.\n"
      "Frames are [u32 LE length][payload]; the server must echo every frame unchanged."};
  std::string mode = "echo";
  std::string cpus;
  uint32_t threads = 0;
  int server_pid = 0;
  app.add_option("--mode", mode, "echo: measure msgs/s and latency; idle: hold --conns idle connections")
      ->check(CLI::IsMember({"echo", "idle"}))
      ->capture_default_str();
  app.add_option("--host", out.host, "server address (IPv4 or name)")->capture_default_str();
  app.add_option("--port", out.port, "server TCP port")->capture_default_str();
  app.add_option("--conns", out.conns, "connections")->check(CLI::Range(1u, 1000000u))->capture_default_str();
  app.add_option("--depth", out.depth, "outstanding frames per connection (closed loop); 1 = ping-pong")
      ->check(CLI::Range(1u, 65536u))
      ->capture_default_str();
  app.add_option("--rate", out.rate,
                 "open loop: total msgs/s over all connections, latency from the intended send time; "
                 "0 = closed loop")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  app.add_option("--size", out.size, "payload bytes per frame (frame = 4-byte header + payload)")
      ->check(CLI::Range(FrameCodec::kMinPayload, FrameCodec::kMaxPayload))
      ->capture_default_str();
  app.add_option("--duration", out.duration_s, "measured seconds (idle: seconds to hold the connections)")
      ->check(CLI::Range(0.001, 1e6))
      ->capture_default_str();
  app.add_option("--warmup", out.warmup_s, "seconds of traffic before measuring (excluded from all figures)")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--connect-rate", out.connect_rate, "new connections per second; 0 = as fast as possible")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  app.add_option("--connect-timeout", out.connect_timeout_s,
                 "seconds a connect (idle: connect + first echo) may take")
      ->check(CLI::Range(0.01, 3600.0))
      ->capture_default_str();
  app.add_option("--cpus", cpus, "CPUs for the worker threads, e.g. 1 or 0,2-3 (default: the affinity mask)");
  app.add_option("--threads", threads, "worker threads (default: one per CPU in --cpus)")
      ->check(CLI::Range(1u, 1024u));
  app.add_flag("--json", out.json, "also print one JSON line at the end");
  app.add_option("--server-pid", server_pid,
                 "echo: server CPU time in the measured window (/proc/PID/stat); idle: server VmRSS "
                 "before/after (/proc/PID/status)")
      ->check(CLI::Range(1, 1 << 30));
  app.add_flag("--quiet", out.quiet, "no per-second progress lines");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  out.mode = mode == "idle" ? Mode::kIdle : Mode::kEcho;
  out.server_pid = pid_t(server_pid);
  if (!resolve(out.host, out.port, out.addr)) return usage_error("cannot resolve host '%s'", out.host);

  const std::vector<int> allowed = affinity_cpus();
  if (cpus.empty()) {
    out.cpus = allowed;
    if (out.cpus.empty()) out.cpus.push_back(0);
  } else {
    if (!parse_cpu_list(cpus, out.cpus)) return usage_error("bad --cpus list '%s' (want e.g. 1 or 0,2-3)", cpus);
    for (int c : out.cpus) {
      bool ok = false;
      for (int a : allowed) ok = ok || a == c;
      if (!ok) return usage_error("CPU %s in --cpus is not in this process's affinity mask", std::to_string(c));
    }
  }
  out.threads = threads ? threads : uint32_t(out.cpus.size());
  if (out.threads > out.conns) out.threads = out.conns;
  if (out.open_loop() && out.rate < 1e-3) return usage_error("--rate %s is too small", std::to_string(out.rate));
  return -1;
}

}  // namespace ptnet::load
