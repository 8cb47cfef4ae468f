// Connection quality, graded as seed 000 does (Excellent ... VeryPoor) from
// how long a session has been connected and how recently it sent a
// heartbeat. The seed's heartbeat windows (10/15/20/25 minutes) are kept as
// ratios of the heartbeat interval: within 1x, 1.5x, 2x, 2.5x.
#pragma once

#include <cstdint>

namespace ptnet::game {

enum class Quality : uint8_t { Excellent, Good, Fair, Poor, VeryPoor, kCount };

const char* to_string(Quality q);

inline Quality grade(uint64_t connected_ns, uint64_t since_heartbeat_ns, uint64_t interval_ns) {
  constexpr uint64_t kMin = 60'000'000'000ull;
  const uint64_t hb = since_heartbeat_ns;
  if (connected_ns >= 60 * kMin && hb <= interval_ns) return Quality::Excellent;
  if (connected_ns >= 30 * kMin && hb <= interval_ns * 3 / 2) return Quality::Good;
  if (connected_ns >= 10 * kMin && hb <= interval_ns * 2) return Quality::Fair;
  if (hb <= interval_ns * 5 / 2) return Quality::Poor;
  return Quality::VeryPoor;
}

}  // namespace ptnet::game
