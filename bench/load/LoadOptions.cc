#include "LoadOptions.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "FrameCodec.h"
#include "GameTraffic.h"
#include "core/CpuSet.h"

namespace ptnet::load {

namespace {

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
      "ptnet-load: io_uring load generator.\n"
      "echo/idle: frames are [u32 LE length][payload]; the server must echo every frame unchanged.\n"
      "chat/move: the game protocol (DESIGN.md): --users users in rooms of --room-size, each\n"
      "Connect-ed and welcomed before traffic starts; every delivery is verified (exactly once, in\n"
      "order, unaltered) and timed from its sender's intended send time."};
  std::string mode = "echo";
  std::string encoding = "binary";
  std::string cpus;
  uint32_t threads = 0;
  int server_pid = 0;
  app.add_option("--mode", mode,
                 "echo: msgs/s and latency of an echo server; idle: hold --conns idle connections; "
                 "chat: room chat, delivered to every member (sender included); move: PlayerMove, "
                 "relayed to the other members")
      ->check(CLI::IsMember({"echo", "idle", "chat", "move"}))
      ->capture_default_str();
  app.add_option("--host", out.host, "server address (IPv4 or name)")->capture_default_str();
  app.add_option("--port", out.port, "server TCP port")->capture_default_str();
  CLI::Option* conns_opt = app.add_option("--conns", out.conns, "echo/idle: connections")
                               ->check(CLI::Range(1u, 1000000u))
                               ->capture_default_str();
  CLI::Option* depth_opt =
      app.add_option("--depth", out.depth,
                     "closed loop: outstanding frames per connection (chat: own messages outstanding per "
                     "user); 1 = ping-pong")
          ->check(CLI::Range(1u, 65536u))
          ->capture_default_str();
  app.add_option("--rate", out.rate,
                 "open loop: total msgs/s over all connections (users), latency from the intended send "
                 "time; 0 = closed loop (move: 0 = 20 msgs/s per user)")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  CLI::Option* size_opt = app.add_option("--size", out.size,
                 "echo: payload bytes per frame (frame = 4-byte header + payload); chat: text bytes per "
                 "message")
      ->capture_default_str();
  CLI::Option* users_opt = app.add_option("--users", out.users, "chat/move: users, one connection each")
                               ->check(CLI::Range(1u, 1000000u))
                               ->capture_default_str();
  CLI::Option* room_opt = app.add_option("--room-size", out.room_size, "chat/move: users per room")
                              ->check(CLI::Range(1u, 1000000u))
                              ->capture_default_str();
  CLI::Option* enc_opt = app.add_option("--encoding", encoding, "chat/move: wire encoding")
                             ->check(CLI::IsMember({"binary", "json"}))
                             ->capture_default_str();
  CLI::Option* base_opt = app.add_option("--user-base", out.user_base, "chat/move: user_id of the first user")
                              ->capture_default_str();
  CLI::Option* hb_opt =
      app.add_option("--heartbeat", out.heartbeat_s, "chat/move: seconds between a user's HeartBeats")
          ->check(CLI::Range(0.1, 3600.0))
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
                 "seconds a connect (idle: connect + first echo; chat/move: connect, then Connect until "
                 "the welcome) may take")
      ->check(CLI::Range(0.01, 3600.0))
      ->capture_default_str();
  app.add_option("--cpus", cpus, "CPUs for the worker threads, e.g. 1 or 0,2-3 (default: the affinity mask)");
  app.add_option("--threads", threads, "worker threads (default: one per CPU in --cpus)")
      ->check(CLI::Range(1u, 1024u));
  app.add_flag("--json", out.json, "also print one JSON line at the end");
  app.add_option("--server-pid", server_pid,
                 "echo/chat/move: server CPU time in the measured window (/proc/PID/stat); idle: server "
                 "VmRSS before/after (/proc/PID/status)")
      ->check(CLI::Range(1, 1 << 30));
  app.add_flag("--quiet", out.quiet, "no per-second progress lines");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  out.mode = mode == "idle"   ? Mode::kIdle
             : mode == "chat" ? Mode::kChat
             : mode == "move" ? Mode::kMove
                              : Mode::kEcho;
  out.encoding = encoding == "json" ? GameEncoding::kJson : GameEncoding::kBinary;
  out.server_pid = pid_t(server_pid);
  if (out.game()) {
    if (conns_opt->count() != 0) return usage_error("--conns is for echo/idle; %s mode takes --users", mode);
    if (out.mode == Mode::kMove && depth_opt->count() != 0)
      return usage_error("--depth is for closed-loop chat; %s mode is open loop (--rate)", mode);
    if (out.mode == Mode::kMove && size_opt->count() != 0)
      return usage_error("--size is the chat text length; %s mode sends fixed-size PlayerMove frames", mode);
    if (out.mode == Mode::kChat && (out.size < ChatText::kMinSize || out.size > ChatText::kMaxSize))
      return usage_error("--size: Value %s not in range 36 to 60000 (chat text bytes)",
                         std::to_string(out.size));
    if (uint64_t(out.user_base) + out.users - 1 > 0xffffffffull)
      return usage_error("--user-base %s + --users does not fit a u32 user_id",
                         std::to_string(out.user_base));
    // Per (receiver, sender) sequence state: 4 bytes per pair of room members.
    const uint64_t pairs = uint64_t(out.users) * std::min(out.room_size, out.users);
    if (pairs > (uint64_t(1) << 28))
      return usage_error("--users x --room-size gives %s member pairs to verify; the limit is 268435456",
                         std::to_string(pairs));
    out.conns = out.users;
    if (out.mode == Mode::kMove && out.rate == 0.0) out.rate = 20.0 * out.users;
  } else {
    for (const CLI::Option* o : {users_opt, room_opt, enc_opt, base_opt, hb_opt})
      if (o->count() != 0) return usage_error("%s is for chat/move modes", o->get_name());
    if (out.size < FrameCodec::kMinPayload || out.size > FrameCodec::kMaxPayload)
      return usage_error("--size: Value %s not in range 24 to 16777216", std::to_string(out.size));
  }
  if (!resolve(out.host, out.port, out.addr)) return usage_error("cannot resolve host '%s'", out.host);

  const std::vector<int> allowed = CpuSet::affinity();
  if (cpus.empty()) {
    out.cpus = allowed;
  } else {
    if (!CpuSet::parse(cpus, &out.cpus)) return usage_error("bad --cpus list '%s' (want e.g. 1 or 0,2-3)", cpus);
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
