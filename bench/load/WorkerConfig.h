// What one worker thread is asked to do. Built by the main thread before the
// worker starts; the worker keeps its own copy.
#pragma once

#include <netinet/in.h>

#include <cstdint>

namespace ptnet::load {

struct WorkerConfig {
  uint32_t index = 0;          // worker number, 0..threads-1
  uint32_t threads = 1;
  int cpu = -1;                // pinned CPU
  sockaddr_in addr{};
  uint32_t first_conn = 0;     // global index of this worker's first connection
  uint32_t conns = 0;          // connections this worker owns
  uint32_t total_conns = 0;
  uint32_t payload = 64;
  uint32_t depth = 1;
  double rate = 0.0;           // this worker's share of --rate (msgs/s); 0 = closed loop
  double connect_rate = 0.0;   // this worker's share of --connect-rate; 0 = unpaced
  uint64_t connect_timeout_ns = 5'000'000'000ull;

  // chat / move (the connections are users first_conn.. of total_conns).
  bool move = false;           // false = chat
  bool json = false;           // encoding: false = binary
  uint32_t room_size = 50;
  uint32_t user_base = 1000;
  double total_rate = 0.0;     // whole-run --rate: the shared open-loop schedule
};

}  // namespace ptnet::load
