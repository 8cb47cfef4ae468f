#include "app/ServerOptions.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>

#include "core/CpuSet.h"

namespace ptnet::app {

int parse_server_options(int argc, char** argv, ServerOptions* o) {
  CLI::App app{"ptnet-server: the Police Thief game server on the ptnet engine (io_uring / epoll, one shard per core).\n"
               "Serves the game protocol (JSON and binary on one port); --echo serves the transport benchmark instead."};
  std::string cpus;
  std::string backend = "auto";
  std::string wake = "auto";
  double grace_s = 5.0;
  double linger_s = 2.0;
  double idle_s = 30, heartbeat_s = 10;
  app.add_flag("--echo", o->echo, "Echo every frame unchanged (u32 LE length framing): the transport benchmark mode");
  app.add_option("--cpus", cpus, "CPUs to run shards on, e.g. 0,2-3 (default: the affinity mask)");
  app.add_option("--shards", o->engine.max_shards, "At most this many shards (default: one per CPU)");
  app.add_option("--backend", backend, "I/O backend: uring, epoll or auto (io_uring, else epoll)")
      ->check(CLI::IsMember({"uring", "epoll", "auto"}));
  app.add_option("--wake", wake, "Cross-shard wake-up: eventfd, msgring or auto")
      ->check(CLI::IsMember({"eventfd", "msgring", "auto"}));
  app.add_option("--host", o->tcp.host, "Address to listen on (IPv4 or IPv6 literal)");
  app.add_option("--tcp-port,--port", o->tcp.port, "TCP port (0: ephemeral)");
  app.add_option("--udp-port", o->udp_port, "UDP port for reliable UDP (not served yet)");
  app.add_option("--max-frame", o->tcp.max_frame, "Largest accepted frame body in bytes")
      ->check(CLI::Range(1u, 16u * 1024 * 1024));
  app.add_option("--max-send-queue", o->tcp.max_send_queue,
                 "Bytes queued towards one connection before it is cut off as a slow reader")
      ->check(CLI::Range(size_t(1024), size_t(1) << 32));
  app.add_option("--max-conns", o->tcp.max_conns, "Connections per shard; more are refused and counted");
  app.add_option("--backlog", o->tcp.backlog, "listen() backlog");
  app.add_option("--recv-buffers", o->engine.io.recv_buffers, "Receive buffers per shard (power of two)")
      ->check(CLI::Range(16u, 32768u));
  app.add_option("--recv-buffer-size", o->engine.io.recv_buffer_size, "Bytes per receive buffer")
      ->check(CLI::Range(512u, 1u << 20));
  app.add_option("--sq-entries", o->engine.io.sq_entries, "io_uring submission queue entries")
      ->check(CLI::Range(64u, 32768u));
  app.add_option("--mailbox-capacity", o->engine.mailbox_capacity, "Messages per cross-shard queue");
  app.add_option("--shutdown-grace", grace_s, "Seconds to flush queued output on SIGINT/SIGTERM");
  app.add_option("--linger", linger_s, "Seconds a closing connection may take to flush");
  app.add_option("--idle-timeout", idle_s, "Game: seconds of silence before a connection is closed (timeout)")
      ->check(CLI::Range(0.1, 86400.0));
  app.add_option("--heartbeat-interval", heartbeat_s, "Game: the clients' heartbeat period, used to grade connection quality")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--max-rooms-per-user", o->game.max_rooms_per_user, "Game: rooms one user may be in")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--max-chat", o->game.max_chat, "Game: longest chat message in bytes");
  app.add_option("--max-nickname", o->game.max_nickname, "Game: longest nickname in bytes")->check(CLI::Range(1u, 32u));
  app.add_option("--chat-rate", o->game.chat_rate, "Game: chat messages/s per user (token bucket); 0 = unlimited");
  app.add_option("--chat-burst", o->game.chat_burst, "Game: chat token-bucket depth");
  app.add_option("--max-users", o->game.max_users, "Game: user directory capacity (distinct user_ids)");
  app.add_option("--max-rooms", o->game.max_rooms, "Game: room directory capacity (distinct room_ids)");
  app.add_option("--stats-interval", o->stats_interval_s, "Log a counters line every N seconds (0: off)");
  app.add_option("--log-level", o->log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!cpus.empty() && !CpuSet::parse(cpus, &o->engine.cpus)) {
    std::fprintf(stderr, "ptnet-server: bad --cpus '%s' (expected e.g. 0,2-3)\n", cpus.c_str());
    return 2;
  }
  const uint32_t nb = o->engine.io.recv_buffers;
  if ((nb & (nb - 1)) != 0) {
    std::fprintf(stderr, "ptnet-server: --recv-buffers must be a power of two\n");
    return 2;
  }
  static const std::map<std::string, io::BackendKind> kinds = {
      {"auto", io::BackendKind::Auto}, {"uring", io::BackendKind::Uring}, {"epoll", io::BackendKind::Epoll}};
  static const std::map<std::string, io::WakeMode> wakes = {
      {"auto", io::WakeMode::Auto}, {"eventfd", io::WakeMode::EventFd}, {"msgring", io::WakeMode::MsgRing}};
  o->engine.io.kind = kinds.at(backend);
  o->engine.io.wake = wakes.at(wake);
  o->engine.shutdown_grace_ns = uint64_t(grace_s * 1e9);
  o->tcp.linger_ns = uint64_t(linger_s * 1e9);
  o->game.idle_timeout_ns = uint64_t(idle_s * 1e9);
  o->game.heartbeat_interval_ns = uint64_t(heartbeat_s * 1e9);
  return -1;
}

}  // namespace ptnet::app
