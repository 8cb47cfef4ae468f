// ptnet-server: starts one shard per chosen CPU and serves TCP on each.
//
//   taskset -c 0 build/app/ptnet-server --echo --cpus 0 --tcp-port 4000
//
// SIGINT/SIGTERM: stop accepting, flush queued output (--shutdown-grace),
// close, exit 0.
#include <signal.h>
#include <sys/resource.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

#include "tcp/EchoHandler.h"
#include "app/ServerOptions.h"
#include "base/Clock.h"
#include "core/CpuSet.h"
#include "core/Engine.h"
#include "base/Log.h"
#include "game/GameServer.h"
#include "game/GameShard.h"
#include "game/MsgType.h"
#include "game/Quality.h"
#include "game/RoomDirectory.h"
#include "rudp/RudpEchoHandler.h"
#include "rudp/RudpService.h"
#include "tcp/TcpService.h"

using namespace ptnet;

namespace {

void raise_fd_limit() {
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

void log_stats(Engine& engine, CounterSnapshot& prev, double dt) {
  CounterSnapshot now = engine.counters();
  const uint64_t open = now[Counter::Accepted] - now[Counter::Closed];
  PTNET_LOG_INFO("stats: conns %" PRIu64 " accepted %" PRIu64 " closed %" PRIu64
                 " frames in %.0f/s out %.0f/s, %.1f MB/s in, errors: frame %" PRIu64
                 " slow-reader %" PRIu64 " recv %" PRIu64 " send %" PRIu64 " accept %" PRIu64,
                 open, now[Counter::Accepted], now[Counter::Closed],
                 double(now[Counter::FramesIn] - prev[Counter::FramesIn]) / dt,
                 double(now[Counter::FramesOut] - prev[Counter::FramesOut]) / dt,
                 double(now[Counter::BytesIn] - prev[Counter::BytesIn]) / dt / 1e6,
                 now[Counter::ErrFrameZero] + now[Counter::ErrFrameTooLarge],
                 now[Counter::ErrSendQueueFull], now[Counter::ErrRecv], now[Counter::ErrSend],
                 now[Counter::ErrAccept] + now[Counter::ErrConnLimit]);
  prev = now;
}

void log_game_stats(game::GameServer& gs, game::GameStatsSnapshot& prev, double dt) {
  game::GameStatsSnapshot now = gs.stats();
  char quality[160];
  int n = 0;
  for (size_t i = 0; i < size_t(game::Quality::kCount); ++i)
    n += std::snprintf(quality + n, sizeof quality - size_t(n), "%s%s %" PRIu64, i ? ", " : "",
                       game::to_string(game::Quality(i)), now.quality[i]);
  char by_type[400];
  int m = 0;
  for (uint8_t t = 0; t < 0x42 && m < int(sizeof by_type) - 40; ++t) {
    const uint64_t d = now.frames_by_type[t] - prev.frames_by_type[t];
    if (d == 0) continue;
    const char* name = game::msg_type_name(game::MsgType(t));
    m += std::snprintf(by_type + m, sizeof by_type - size_t(m), "%s%s %.0f/s", m ? ", " : "",
                       name ? name : "?", double(d) / dt);
  }
  by_type[m] = 0;
  PTNET_LOG_INFO("game: sessions %" PRIu64 " (peak %" PRIu64 ", lifetime %" PRIu64 ", timeouts %" PRIu64
                 "), deliveries %.0f/s, errors sent %" PRIu64 ", chat refused %" PRIu64
                 ", fan-out dropped %" PRIu64 "; quality: %s; frames in: %s",
                 now.sessions, gs.peak_sessions(), now.lifetime, now.timeouts,
                 double(now.deliveries - prev.deliveries) / dt, now.errors_sent, now.chat_refused,
                 now.fanout_dropped, quality, m ? by_type : "none");
  prev = now;
}

}  // namespace

int main(int argc, char** argv) {
  app::ServerOptions opt;
  const app::OptionsOutcome parsed = app::parse_server_options(argc, argv, &opt);
  if (!parsed.run) return parsed.exit_code;
  static const char* const levels[] = {"debug", "info", "warn", "error"};
  for (int i = 0; i < 4; ++i)
    if (opt.log_level == levels[i]) set_log_level(LogLevel(i));
  raise_fd_limit();

  // Shards inherit this mask: only the main thread takes the signals.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Engine engine(opt.engine);
  tcp::TcpConfig tcp_cfg = opt.tcp;
  std::unique_ptr<game::GameServer> game;
  if (!opt.echo) {
    tcp_cfg.detect_order = true;  // JSON (BE lengths) and binary (LE) on one port
    game = std::make_unique<game::GameServer>(opt.game, game::RoomDirectory::kMaxShards);
  }
  game::GameServer* gs = game.get();
  const bool udp = opt.udp;
  // RudpService after TcpService: its before_wait() flushes last, so what TCP
  // closes queue to RUDP peers in the pass leaves in it too.
  int err = engine.start([&tcp_cfg, &opt, gs, udp](Shard& shard) {
    if (gs == nullptr) {
      shard.add_service(std::make_unique<tcp::TcpService>(tcp_cfg, std::make_unique<tcp::EchoHandler>()));
      if (udp) shard.add_service(std::make_unique<rudp::RudpService>(opt.rudp, std::make_unique<rudp::RudpEchoHandler>()));
      return;
    }
    std::unique_ptr<game::GameShard> game = gs->make_handler(shard, tcp_cfg.max_frame);
    game::GameShard& shell = *game;
    shard.add_service(std::make_unique<tcp::TcpService>(tcp_cfg, std::move(game)));
    if (udp) shard.add_service(std::make_unique<rudp::RudpService>(opt.rudp, shell));
  });
  if (err != 0) {
    std::fprintf(stderr, "ptnet-server: start failed: %s\n", std::strerror(-err));
    return 1;
  }
  const uint16_t port = opt.tcp.port != 0 ? opt.tcp.port : tcp_cfg.bound_port->load();
  std::vector<int> cpus;
  for (size_t i = 0; i < engine.shard_count(); ++i) cpus.push_back(engine.shard(i).cpu());
  PTNET_LOG_INFO("ptnet-server (%s) listening on %s:%u with %zu shard(s) on cpus %s, backend %s",
                 opt.echo ? "echo" : "game", opt.tcp.host.c_str(), port, engine.shard_count(), CpuSet::format(cpus).c_str(),
                 io::to_string(engine.backend_kind()));
  if (udp) {
    const uint16_t uport = opt.rudp.port != 0 ? opt.rudp.port : opt.rudp.bound_port->load();
    PTNET_LOG_INFO("reliable UDP on %s:%u%s", opt.rudp.host.c_str(), uport,
                   opt.rudp.impair ? " through a simulated bad link (--sim-*)" : "");
    std::printf("ptnet-server rudp on :%u\n", uport);
  }
  std::printf("ptnet-server listening on :%u\n", port);
  std::fflush(stdout);

  CounterSnapshot prev = engine.counters();
  game::GameStatsSnapshot prev_game = gs != nullptr ? gs->stats() : game::GameStatsSnapshot{};
  uint64_t last = monotonic_ns();
  for (;;) {
    timespec ts{opt.stats_interval_s > 0 ? time_t(opt.stats_interval_s) : 3600, 0};
    int sig = sigtimedwait(&sigs, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM) {
      PTNET_LOG_INFO("%s: stopping (grace %.1f s)", sig == SIGINT ? "SIGINT" : "SIGTERM",
                     double(opt.engine.shutdown_grace_ns) / 1e9);
      break;
    }
    if (opt.stats_interval_s > 0) {
      uint64_t now = monotonic_ns();
      log_stats(engine, prev, double(now - last) / 1e9);
      if (gs != nullptr) log_game_stats(*gs, prev_game, double(now - last) / 1e9);
      last = now;
    }
  }
  engine.request_stop();
  engine.wait();
  CounterSnapshot total = engine.counters();
  PTNET_LOG_INFO("stopped: accepted %" PRIu64 ", frames in %" PRIu64 ", frames out %" PRIu64
                 ", loop passes %" PRIu64 ", receive-buffer shortfalls %" PRIu64,
                 total[Counter::Accepted], total[Counter::FramesIn], total[Counter::FramesOut],
                 total[Counter::LoopPasses], total[Counter::RecvNoBuffers]);
  return 0;
}
