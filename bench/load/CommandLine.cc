#include "bench/load/CommandLine.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "bench/load/EchoPayload.h"
#include "bench/load/GameTraffic.h"
#include "core/CpuSet.h"

namespace ptnet::load {

namespace {

// Values parsed as text or in another type before they land in LoadOptions.
struct Raw {
  std::string cpus;
  std::string backend = "auto";
  std::string encoding = "binary";
  uint32_t threads = 0;
  int server_pid = 0;
};

// Per (receiver, sender) sequence state: 4 bytes per pair of room members.
constexpr uint64_t kMaxMemberPairs = uint64_t(1) << 28;

CLI::Validator cpu_list() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::vector<int> cpus;
        if (!CpuSet::parse(text, &cpus)) return "bad CPU list '" + text + "' (want e.g. 1 or 0,2-3)";
        const std::vector<int> allowed = CpuSet::affinity();
        for (int c : cpus)
          if (std::find(allowed.begin(), allowed.end(), c) == allowed.end())
            return "CPU " + std::to_string(c) + " is not in this process's affinity mask";
        return "";
      },
      "CPUS");
}

// --rate: 0 (closed loop) or a usable rate.
CLI::Validator rate_range() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v) || v < 0 || v > 1e9 || (v > 0 && v < 1e-3))
          return "Value " + text + " is not 0 (closed loop) or in 0.001 to 1e9";
        return "";
      },
      "0 or 0.001..1e9");
}

void add_target(CLI::App& sub, LoadOptions& o, bool game) {
  const char* g = "Target";
  sub.add_option("--host", o.host, "server address (IPv4 or name)")->group(g);
  sub.add_option("--port", o.port, "server TCP port")->group(g);
  if (game) return;
  sub.add_option("--conns", o.conns, "connections")->check(CLI::Range(1u, 1000000u))->group(g);
}

void add_run(CLI::App& sub, LoadOptions& o, Raw& r, Mode m) {
  const char* g = "Run";
  const bool idle = m == Mode::kIdle;
  sub.add_option("--duration", o.duration_s, idle ? "seconds to hold the connections" : "measured seconds")
      ->check(CLI::Range(0.001, 1e6))->group(g);
  if (!idle)
    sub.add_option("--warmup", o.warmup_s, "seconds of traffic before measuring (excluded from all figures)")
        ->check(CLI::Range(0.0, 1e6))->group(g);
  sub.add_option("--cpus", r.cpus, "CPUs for the worker shards, e.g. 1 or 0,2-3 (default: the affinity mask)")
      ->check(cpu_list())->group(g);
  sub.add_option("--threads", r.threads, "worker shards; 0 = one per CPU in --cpus")
      ->check(CLI::Range(0u, 1024u))->group(g);
  sub.add_option("--backend", r.backend, "I/O backend: uring, epoll or auto (io_uring, else epoll)")
      ->check(CLI::IsMember({"uring", "epoll", "auto"}))->group(g);
  sub.add_option("--server-pid", r.server_pid,
                 idle ? "server VmRSS before/after (/proc/PID/status); 0 = none"
                      : "server CPU time in the measured window (/proc/PID/stat); 0 = none")
      ->check(CLI::Range(1, 1 << 30))->group(g);
  sub.add_flag("--json", o.json, "also print one JSON line at the end")->group(g);
  sub.add_flag("--quiet", o.quiet, "no per-second progress lines")->group(g);
}

void add_connect(CLI::App& sub, LoadOptions& o, Mode m) {
  const char* g = "Connect";
  sub.add_option("--connect-rate", o.connect_rate, "new connections per second; 0 = as fast as possible")
      ->check(CLI::Range(0.0, 1e9))->group(g);
  sub.add_option("--connect-timeout", o.connect_timeout_s,
                 m == Mode::kIdle   ? "seconds a connect plus its first echo may take"
                 : m == Mode::kEcho ? "seconds a connect may take"
                                    : "seconds a connect, then Connect until the welcome, may take")
      ->check(CLI::Range(0.01, 3600.0))->group(g);
}

void add_echo_traffic(CLI::App& sub, LoadOptions& o, Mode m) {
  const char* g = "Traffic";
  if (m == Mode::kIdle) {
    sub.add_option("--user-base", o.user_base,
                   "user_id of the first connection's Connect (the proof: echoed, or admitted by a game server)")
        ->group(g);
    return;
  }
  sub.add_option("--size", o.size, "payload bytes per frame (frame = 4-byte header + payload)")
      ->check(CLI::Range(EchoPayload::kMinSize, EchoPayload::kMaxSize))->group(g);
  sub.add_option("--depth", o.depth, "closed loop: outstanding frames per connection; 1 = ping-pong")
      ->check(CLI::Range(1u, 65536u))->group(g);
  sub.add_option("--rate", o.rate,
                 "open loop: total msgs/s over all connections, latency from the intended send time; "
                 "0 = closed loop")
      ->check(rate_range())->group(g);
}

void add_room_traffic(CLI::App& sub, LoadOptions& o, Raw& r, Mode m) {
  const char* g = "Rooms";
  sub.add_option("--users", o.users, "users, one connection each")->check(CLI::Range(1u, 1000000u))->group(g);
  sub.add_option("--room-size", o.room_size, "users per room")->check(CLI::Range(1u, 1000000u))->group(g);
  sub.add_option("--encoding", r.encoding, "wire encoding: binary or json")
      ->check(CLI::IsMember({"binary", "json"}))->group(g);
  sub.add_option("--user-base", o.user_base, "user_id of the first user")->group(g);
  sub.add_option("--heartbeat", o.heartbeat_s, "seconds between a user's HeartBeats")
      ->check(CLI::Range(0.1, 3600.0))->group(g);
  if (m == Mode::kChat) {
    sub.add_option("--size", o.size, "text bytes per ChatMessage")
        ->check(CLI::Range(ChatText::kMinSize, ChatText::kMaxSize))->group(g);
    sub.add_option("--depth", o.depth, "closed loop: own messages outstanding per user")
        ->check(CLI::Range(1u, 65536u))->group(g);
  }
  sub.add_option("--rate", o.rate,
                 m == Mode::kChat ? "open loop: total msgs/s over all users; 0 = closed loop"
                                  : "total msgs/s over all users; 0 = 20 msgs/s per user")
      ->check(rate_range())->group(g);
}

CLI::App* add_mode(CLI::App& app, const ModeSpec& spec, LoadOptions& o, Raw& r) {
  CLI::App* sub = app.add_subcommand(std::string(spec.name), std::string(spec.help));
  const bool game = spec.traffic == TrafficKind::kRoom;
  add_target(*sub, o, game);
  if (game)
    add_room_traffic(*sub, o, r, spec.mode);
  else
    add_echo_traffic(*sub, o, spec.mode);
  add_run(*sub, o, r, spec.mode);
  add_connect(*sub, o, spec.mode);
  return sub;
}

bool resolve_host(const std::string& host, uint16_t port, sockaddr_in& addr) {
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

// The checks that involve two flags, then what follows from them.
bool check_user_ids(const LoadOptions& o, uint32_t count, const char* flag, std::string& error) {
  if (uint64_t(o.user_base) + count - 1 <= 0xffffffffull) return true;
  error = "--user-base " + std::to_string(o.user_base) + " + " + flag + " does not fit a u32 user_id";
  return false;
}

bool resolve_rooms(LoadOptions& o, std::string& error) {
  if (!check_user_ids(o, o.users, "--users", error)) return false;
  const uint64_t pairs = uint64_t(o.users) * std::min(o.room_size, o.users);
  if (pairs > kMaxMemberPairs) {
    error = "--users x --room-size gives " + std::to_string(pairs) +
            " member pairs to verify; the limit is " + std::to_string(kMaxMemberPairs);
    return false;
  }
  o.conns = o.users;
  if (o.mode == Mode::kMove && o.rate == 0.0) o.rate = 20.0 * o.users;
  return true;
}

bool resolve(LoadOptions& o, const Raw& r, std::string& error) {
  o.encoding = r.encoding == "json" ? GameEncoding::kJson : GameEncoding::kBinary;
  o.backend = r.backend == "uring"   ? io::BackendKind::Uring
              : r.backend == "epoll" ? io::BackendKind::Epoll
                                     : io::BackendKind::Auto;
  o.server_pid = pid_t(r.server_pid);
  if (o.game() && !resolve_rooms(o, error)) return false;
  if (o.mode == Mode::kIdle && !check_user_ids(o, o.conns, "--conns", error)) return false;
  if (!resolve_host(o.host, o.port, o.addr)) {
    error = "cannot resolve host '" + o.host + "'";
    return false;
  }
  o.cpus = CpuSet::affinity();
  if (!r.cpus.empty()) CpuSet::parse(r.cpus, &o.cpus);  // validated by cpu_list()
  o.threads = std::min(r.threads != 0 ? r.threads : uint32_t(o.cpus.size()), o.conns);
  return true;
}

constexpr const char* kAbout =
    "ptnet-load: the load generator, running on the ptnet engine itself (one pinned shard per worker, "
    "io_uring or epoll).\n"
    "echo: frames are [u32 LE length][payload]; the server must echo every frame unchanged.\n"
    "idle: each connection proves itself once (a Connect frame, echoed or admitted), then stays silent.\n"
    "chat/move: the game protocol (DESIGN.md): --users users in rooms of --room-size, each Connect-ed and "
    "welcomed before traffic starts; every delivery is verified (exactly once, in order, unaltered) and "
    "timed from its sender's intended send time.";

constexpr const char* kFooter =
    "MODE comes first, or as --mode MODE (default: echo). `ptnet-load MODE --help` lists that mode's "
    "options with their defaults.";

}  // namespace

CommandLine::ModeArgs CommandLine::place_mode(int argc, const char* const* argv) {
  ModeArgs out;
  std::string mode;
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--mode" && i + 1 < argc) {
      mode = argv[++i];
    } else if (a.rfind("--mode=", 0) == 0) {
      mode = a.substr(7);
    } else {
      help = help || a == "-h" || a == "--help";
      out.args.push_back(a);
    }
  }
  const bool first_is_mode = !out.args.empty() && find_mode(out.args.front()) != nullptr;
  if (mode.empty()) {
    if (!first_is_mode && !help) out.args.insert(out.args.begin(), "echo");
    return out;
  }
  if (find_mode(mode) == nullptr) {
    out.error = "--mode " + mode + ": not a mode (echo, idle, chat, move)";
  } else if (first_is_mode && out.args.front() != mode) {
    out.error = "--mode " + mode + " contradicts the mode " + out.args.front();
  } else if (!first_is_mode) {
    out.args.insert(out.args.begin(), mode);
  }
  return out;
}

CommandLine::Result CommandLine::parse(int argc, const char* const* argv) {
  Result res;
  ModeArgs placed = place_mode(argc, argv);
  auto usage_error = [&res](const std::string& what) {
    std::fprintf(stderr, "ptnet-load: %s\nRun with --help for more information.\n", what.c_str());
    res.exit = ExitStatus::kFailed;
    return res;
  };
  if (!placed.error.empty()) return usage_error(placed.error);

  CLI::App app{kAbout, "ptnet-load"};
  app.footer(kFooter);
  app.option_defaults()->always_capture_default();
  app.require_subcommand(1);
  LoadOptions& o = res.options;
  Raw raw;
  std::vector<std::pair<CLI::App*, Mode>> subs;
  for (const ModeSpec& spec : kModes) subs.emplace_back(add_mode(app, spec, o, raw), spec.mode);
  try {
    std::reverse(placed.args.begin(), placed.args.end());  // CLI11 takes them last first
    app.parse(placed.args);
  } catch (const CLI::ParseError& e) {
    res.exit = app.exit(e) == 0 ? ExitStatus::kOk : ExitStatus::kFailed;
    return res;
  }
  for (const auto& [sub, mode] : subs)
    if (sub->parsed()) o.mode = mode;
  std::string error;
  if (!resolve(o, raw, error)) return usage_error(error);
  res.run = true;
  return res;
}

}  // namespace ptnet::load
