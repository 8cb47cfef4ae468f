#include "app/StatsLog.h"

#include <cinttypes>
#include <cstdio>

#include "base/Clock.h"
#include "base/Log.h"
#include "game/MsgType.h"
#include "game/Quality.h"

namespace ptnet::app {

StatsLog::StatsLog(Engine& engine, game::GameServer* game)
    : engine_(engine),
      game_(game),
      prev_(engine.counters()),
      prev_game_(game != nullptr ? game->stats() : game::GameStatsSnapshot{}),
      last_ns_(monotonic_ns()) {}

void StatsLog::log(uint64_t now_ns) {
  const double dt = double(now_ns - last_ns_) / 1e9;
  last_ns_ = now_ns;
  log_engine(dt);
  if (game_ != nullptr) log_game(dt);
}

void StatsLog::log_engine(double dt) {
  CounterSnapshot now = engine_.counters();
  const CounterSnapshot& prev = prev_;
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
  prev_ = now;
}

void StatsLog::log_game(double dt) {
  game::GameServer& gs = *game_;
  game::GameStatsSnapshot now = gs.stats();
  const game::GameStatsSnapshot& prev = prev_game_;
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
  prev_game_ = now;
}

}  // namespace ptnet::app
