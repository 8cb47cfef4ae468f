// How a LinkImpairment mistreats datagrams (ptnet-server and ptnet-load
// expose these as --sim-loss/--sim-dup/--sim-reorder/--sim-delay/--sim-jitter).
// Plain data.
// Threads: plain data, any thread.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

struct LinkImpairmentConfig {
  double loss = 0;            // probability a datagram is dropped
  double dup = 0;             // probability a datagram is delivered twice (the copy gets its own delay)
  double reorder = 0;         // probability a datagram is held back reorder_ns longer, so later ones overtake it
  uint64_t delay_ns = 0;      // one-way base delay
  uint64_t jitter_ns = 0;     // extra delay, uniform in [0, jitter_ns]
  uint64_t reorder_ns = 0;    // extra delay of a reordered datagram (0: 2 x jitter + 1 ms)
  uint64_t seed = 1;          // the dice (same seed, same submissions: same fate)
  uint32_t max_held = 16384;  // datagrams held at once; beyond, dropped and counted
  uint32_t max_datagram = 2048;
};

}  // namespace ptnet::rudp
