#include "app/ServerOptions.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

#include "app/OptionSources.h"
#include "core/CpuSet.h"

namespace ptnet::app {

namespace {

// Values parsed in user units (seconds, ms, names) before conversion.
struct Raw {
  std::string config;
  bool print_config = false;
  std::string cpus;
  std::string backend = "auto";
  std::string wake = "auto";
  double grace_s = 5.0;
  double linger_s = 2.0;
  double flush_interval_ms = 0;
  double frame_timeout_s = 10;
  double idle_s = 30;
  double heartbeat_s = 10;
  bool no_udp = false;
  double sim_delay_ms = 0;
  double sim_jitter_ms = 0;
};

void add_engine(CLI::App& app, ServerOptions* o, Raw* r) {
  const char* g = "Engine";
  app.add_option("--cpus", r->cpus, "CPUs to run shards on, e.g. 0,2-3 (default: the affinity mask)")->group(g);
  app.add_option("--shards", o->engine.max_shards, "At most this many shards (0: one per CPU)")->group(g);
  app.add_option("--backend", r->backend, "I/O backend: uring, epoll or auto (io_uring, else epoll)")
      ->check(CLI::IsMember({"uring", "epoll", "auto"}))->group(g);
  app.add_option("--wake", r->wake, "Cross-shard wake-up: eventfd, msgring or auto")
      ->check(CLI::IsMember({"eventfd", "msgring", "auto"}))->group(g);
  app.add_option("--recv-buffers", o->engine.io.recv_buffers, "Receive buffers per shard (power of two)")
      ->check(CLI::Range(16u, 32768u))->group(g);
  app.add_option("--recv-buffer-size", o->engine.io.recv_buffer_size, "Bytes per receive buffer")
      ->check(CLI::Range(2048u, 1u << 20))->group(g);
  app.add_option("--sq-entries", o->engine.io.sq_entries, "io_uring submission queue entries")
      ->check(CLI::Range(64u, 32768u))->group(g);
  app.add_option("--mailbox-capacity", o->engine.mailbox_capacity, "Messages per cross-shard queue")
      ->check(CLI::Range(size_t(16), size_t(1) << 20))->group(g);
  app.add_option("--shutdown-grace", r->grace_s, "Seconds to flush queued output on SIGINT/SIGTERM")
      ->check(CLI::Range(0.0, 3600.0))->group(g);
}

void add_tcp(CLI::App& app, ServerOptions* o, Raw* r) {
  const char* g = "TCP";
  app.add_flag("--echo", o->echo, "Echo every frame (TCP) and message (RUDP) unchanged: the transport benchmark mode");
  app.add_option("--host", o->tcp.host, "Address to listen on, TCP and UDP (IPv4 or IPv6 literal)")->group(g);
  app.add_option("--tcp-port,--port", o->tcp.port, "TCP port (0: ephemeral)")->group(g);
  app.add_option("--max-frame", o->tcp.max_frame, "Largest accepted frame body in bytes")
      ->check(CLI::Range(1u, 16u * 1024 * 1024))->group(g);
  app.add_option("--max-send-queue", o->tcp.max_send_queue,
                 "Bytes queued towards one connection before it is cut off as a slow reader")
      ->check(CLI::Range(size_t(1024), size_t(1) << 32))->group(g);
  app.add_option("--max-conns", o->tcp.max_conns, "Connections per shard; more are refused and counted")->group(g);
  app.add_option("--backlog", o->tcp.backlog, "listen() backlog")->check(CLI::Range(1, 1 << 20))->group(g);
  app.add_option("--linger", r->linger_s, "Seconds a closing connection may take to flush")
      ->check(CLI::Range(0.0, 3600.0))->group(g);
  app.add_option("--flush-interval", r->flush_interval_ms,
                 "The network tick, ms: frames queued to a connection leave at most this often, all at once "
                 "(0: at the end of every loop pass)")
      ->check(CLI::Range(0.0, 1000.0))->group(g);
  app.add_option("--frame-timeout", r->frame_timeout_s,
                 "Seconds a frame may take from its first byte to its last; a peer trickling one (slowloris) is "
                 "closed (0: off)")
      ->check(CLI::Range(0.0, 3600.0))->group(g);
  app.add_option("--keepalive", o->tcp.keepalive_idle_s,
                 "TCP keep-alive: seconds of silence before probing a peer that may have vanished (0: off)")
      ->check(CLI::Range(0u, 86400u))->group(g);
  app.add_option("--fanout-copy-max", o->tcp.fanout_copy_max,
                 "Room fan-out: frames up to this many bytes are copied into each member's send buffer, "
                 "larger ones shared by reference (0: always by reference)")
      ->check(CLI::Range(0u, 16000u))->group(g);
}

void add_rudp(CLI::App& app, ServerOptions* o, Raw* r) {
  const char* g = "Reliable UDP";
  rudp::LinkImpairmentConfig& sim = o->rudp.impairment;
  app.add_option("--udp-port", o->rudp.port, "UDP port for reliable UDP (0: ephemeral)")->group(g);
  app.add_flag("--no-udp", r->no_udp, "Do not serve reliable UDP")->group(g);
  app.add_option("--rudp-max-peers", o->rudp.endpoint.max_peers, "RUDP connections per shard")
      ->check(CLI::Range(1u, 1u << 22))->group(g);
  app.add_option("--sim-loss", sim.loss, "Link impairment: probability a sent datagram is lost")
      ->check(CLI::Range(0.0, 1.0))->group(g);
  app.add_option("--sim-dup", sim.dup, "Link impairment: probability a sent datagram is duplicated")
      ->check(CLI::Range(0.0, 1.0))->group(g);
  app.add_option("--sim-reorder", sim.reorder, "Link impairment: probability a sent datagram is held behind later ones")
      ->check(CLI::Range(0.0, 1.0))->group(g);
  app.add_option("--sim-delay", r->sim_delay_ms, "Link impairment: one-way delay of every sent datagram, ms")
      ->check(CLI::Range(0.0, 10000.0))->group(g);
  app.add_option("--sim-jitter", r->sim_jitter_ms, "Link impairment: extra random delay, 0..N ms")
      ->check(CLI::Range(0.0, 10000.0))->group(g);
  app.add_option("--sim-seed", sim.seed, "Link impairment: seed of its dice (same seed, same fate)")->group(g);
}

void add_game(CLI::App& app, ServerOptions* o, Raw* r) {
  const char* g = "Game";
  app.add_option("--idle-timeout", r->idle_s, "Seconds of silence before a connection is closed (game: protocol level, counted as a timeout; --echo: transport level)")
      ->check(CLI::Range(0.1, 86400.0))->group(g);
  app.add_option("--heartbeat-interval", r->heartbeat_s, "The clients' heartbeat period, used to grade connection quality")
      ->check(CLI::Range(0.1, 3600.0))->group(g);
  app.add_option("--max-rooms-per-user", o->game.max_rooms_per_user, "Rooms one user may be in")
      ->check(CLI::Range(1u, 1024u))->group(g);
  app.add_option("--max-chat", o->game.max_chat, "Longest chat message in bytes")->check(CLI::Range(1u, 60000u))->group(g);
  app.add_option("--max-nickname", o->game.max_nickname, "Longest nickname in bytes")->check(CLI::Range(1u, 32u))->group(g);
  app.add_option("--chat-rate", o->game.chat_rate, "Chat messages/s per user (token bucket); 0 = unlimited")
      ->check(CLI::Range(0.0, 1e6))->group(g);
  app.add_option("--chat-burst", o->game.chat_burst, "Chat token-bucket depth")->check(CLI::Range(1.0, 1e6))->group(g);
  app.add_option("--max-users", o->game.max_users, "User directory capacity (distinct user_ids)")
      ->check(CLI::Range(size_t(1), size_t(1) << 28))->group(g);
  app.add_option("--max-rooms", o->game.max_rooms, "Room directory capacity (distinct room_ids)")
      ->check(CLI::Range(size_t(1), size_t(1) << 24))->group(g);
}

void add_ops(CLI::App& app, ServerOptions* o, Raw* r) {
  const char* g = "Operations";
  app.add_option("--config", r->config, "Read settings from FILE (lines `flag-name = value`; also PTNET_CONFIG)")->group(g);
  app.add_flag("--print-config", r->print_config, "Print the effective settings and where each came from, then exit")->group(g);
  app.add_option("--stats-interval", o->stats_interval_s, "Log a counters line every N seconds (0: off)")->group(g);
  app.add_option("--log-level", o->log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))->group(g);
}

// Conversions from user units; false (with a message) when a value is unusable.
bool derive(const Raw& r, ServerOptions* o, std::string* error) {
  if (!r.cpus.empty() && !CpuSet::parse(r.cpus, &o->engine.cpus)) {
    *error = "bad --cpus '" + r.cpus + "' (expected e.g. 0,2-3, each CPU once)";
    return false;
  }
  static const std::map<std::string, io::BackendKind> kinds = {
      {"auto", io::BackendKind::Auto}, {"uring", io::BackendKind::Uring}, {"epoll", io::BackendKind::Epoll}};
  static const std::map<std::string, io::WakeMode> wakes = {
      {"auto", io::WakeMode::Auto}, {"eventfd", io::WakeMode::EventFd}, {"msgring", io::WakeMode::MsgRing}};
  o->engine.io.kind = kinds.at(r.backend);
  o->engine.io.wake = wakes.at(r.wake);
  o->engine.shutdown_grace_ns = uint64_t(r.grace_s * 1e9);
  o->tcp.linger_ns = uint64_t(r.linger_s * 1e9);
  o->tcp.flush_interval_ns = uint64_t(r.flush_interval_ms * 1e6);
  o->tcp.frame_timeout_ns = uint64_t(r.frame_timeout_s * 1e9);
  o->game.idle_timeout_ns = uint64_t(r.idle_s * 1e9);
  o->game.heartbeat_interval_ns = uint64_t(r.heartbeat_s * 1e9);
  o->udp = !r.no_udp;
  o->rudp.host = o->tcp.host;
  rudp::LinkImpairmentConfig& sim = o->rudp.impairment;
  sim.delay_ns = uint64_t(r.sim_delay_ms * 1e6);
  sim.jitter_ns = uint64_t(r.sim_jitter_ms * 1e6);
  o->rudp.impair = sim.loss > 0 || sim.dup > 0 || sim.reorder > 0 || sim.delay_ns > 0 || sim.jitter_ns > 0;
  return true;
}

// Combinations no single flag's range catches.
bool validate(const ServerOptions& o, std::string* error) {
  const uint32_t nb = o.engine.io.recv_buffers;
  if ((nb & (nb - 1)) != 0) {
    *error = "--recv-buffers must be a power of two (got " + std::to_string(nb) + ")";
    return false;
  }
  if (o.game.heartbeat_interval_ns >= o.game.idle_timeout_ns) {
    *error = "--heartbeat-interval must be shorter than --idle-timeout (clients would be cut off between heartbeats)";
    return false;
  }
  const std::vector<int> allowed = CpuSet::affinity();
  for (int cpu : o.engine.cpus)
    if (std::find(allowed.begin(), allowed.end(), cpu) == allowed.end()) {
      *error = "cpu " + std::to_string(cpu) + " is not in this process's affinity mask (" + CpuSet::format(allowed) + ")";
      return false;
    }
  if (o.engine.cpus.size() > Engine::kMaxShards && (o.engine.max_shards == 0 || o.engine.max_shards > Engine::kMaxShards)) {
    *error = "at most " + std::to_string(Engine::kMaxShards) + " shards (cap them with --shards)";
    return false;
  }
  return true;
}

void print_config(const CLI::App& app, const OptionSources& sources) {
  for (const CLI::Option* opt : app.get_options()) {
    const std::string name = opt->get_single_name();
    if (name == "help" || name == "print-config" || name == "config") continue;
    std::string value;
    if (!opt->results().empty()) value = opt->results().back();
    else value = opt->get_expected_min() == 0 ? "false" : opt->get_default_str();
    OptionSources::Origin origin = OptionSources::Origin::Default;  // the strongest among its names
    for (const std::string& n : opt->get_lnames()) origin = std::max(origin, sources.origin(n));
    std::printf("%-22s = %-18s # %s\n", name.c_str(), value.c_str(), OptionSources::to_string(origin));
  }
}

std::vector<std::string> long_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options())
    for (const std::string& n : opt->get_lnames()) names.push_back(n);
  return names;
}

}  // namespace

OptionsOutcome parse_server_options(int argc, char** argv, ServerOptions* o) {
  CLI::App app{"ptnet-server: the Police Thief game server on the ptnet engine (io_uring / epoll, one shard per core).\n"
               "Serves the game protocol (JSON and binary on one TCP port, binary over reliable UDP); --echo serves the\n"
               "transport benchmark instead. Settings: command line > PTNET_<FLAG_NAME> environment > --config file > default."};
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->always_capture_default();
  Raw r;
  add_engine(app, o, &r);
  add_tcp(app, o, &r);
  add_rudp(app, o, &r);
  add_game(app, o, &r);
  add_ops(app, o, &r);

  OptionSources sources(long_names(app));
  std::string error;
  const std::string config = OptionSources::config_path(argc, argv);
  if (!config.empty() && !sources.add_file(config, &error)) {
    std::fprintf(stderr, "ptnet-server: %s\n", error.c_str());
    return {false, 2};
  }
  sources.add_env();
  sources.add_command_line(argc, argv);
  std::vector<std::string> args = sources.merged(argv[0]);
  std::reverse(args.begin() + 1, args.end());  // CLI11 takes a reversed vector
  args.erase(args.begin());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return {false, rc == 0 ? 0 : 2};
  }
  if (!derive(r, o, &error) || !validate(*o, &error)) {
    std::fprintf(stderr, "ptnet-server: %s\n", error.c_str());
    return {false, 2};
  }
  if (r.print_config) {
    print_config(app, sources);
    return {false, 0};
  }
  return {true, 0};
}

}  // namespace ptnet::app
