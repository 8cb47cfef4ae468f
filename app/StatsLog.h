// The --stats-interval line: engine counters and, in game mode, the game's,
// as rates over the interval since the previous line.
//
// Threads: the main thread only (it reads the shards' counters, which any
// thread may read).
#pragma once

#include "core/Engine.h"
#include "game/GameServer.h"

namespace ptnet::app {

class StatsLog {
 public:
  StatsLog(Engine& engine, game::GameServer* game);
  // Logs the lines for the interval that ends now.
  void log(uint64_t now_ns);

 private:
  void log_engine(double dt);
  void log_game(double dt);

  Engine& engine_;
  game::GameServer* game_;
  CounterSnapshot prev_;
  game::GameStatsSnapshot prev_game_;
  uint64_t last_ns_;
};

}  // namespace ptnet::app
