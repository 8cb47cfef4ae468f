// The game counters of every shard summed at one moment (GameStats::add_to),
// for the stats line and tests.
//
// Threads: a plain value; whoever built it owns it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "game/Quality.h"

namespace ptnet::game {

struct GameStatsSnapshot {
  uint64_t sessions = 0;        // sessions that sent Connect and are still here
  uint64_t lifetime = 0;        // sessions ever established
  uint64_t timeouts = 0;        // closed for silence
  uint64_t chats_in = 0;
  uint64_t moves_in = 0;
  uint64_t deliveries = 0;      // frames queued to room members by fan-out
  uint64_t errors_sent = 0;
  uint64_t chat_refused = 0;
  uint64_t fanout_dropped = 0;  // room-message copies lost to a full mailbox or a failed allocation:
                                // one per shard (and per encoding on it) that should have got it
  uint64_t slow_readers = 0;    // RUDP peers cut off over their send budget (TCP's are counted by TcpService)
  uint64_t quality[size_t(Quality::kCount)] = {};
  uint64_t frames_by_type[0x42] = {};
};

}  // namespace ptnet::game
