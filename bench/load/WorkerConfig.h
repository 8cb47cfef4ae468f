// What one worker (one shard of the load generator's engine) is asked to do.
// Built by the main thread before the engine starts; the worker keeps its
// own copy.
#pragma once

#include <netinet/in.h>

#include <cstdint>

#include "bench/load/GameProtocol.h"

namespace ptnet::load {

struct WorkerConfig {
  uint32_t index = 0;          // worker number = shard id, 0..threads-1
  uint32_t threads = 1;
  sockaddr_in addr{};
  uint32_t first_conn = 0;     // global index of this worker's first connection
  uint32_t conns = 0;          // connections this worker owns
  uint32_t total_conns = 0;
  uint32_t payload = 64;       // echo/idle: message bytes; chat: text bytes
  uint32_t depth = 1;
  double rate = 0.0;           // this worker's share of --rate (msgs/s); 0 = closed loop
  double connect_rate = 0.0;   // this worker's share of --connect-rate; 0 = unpaced
  uint64_t connect_timeout_ns = 5'000'000'000ull;

  // chat / move (the connections are users first_conn.. of total_conns).
  bool move = false;           // false = chat
  GameEncoding encoding = GameEncoding::kBinary;
  uint32_t room_size = 50;
  uint32_t user_base = 1000;
  double total_rate = 0.0;     // whole-run --rate: the shared open-loop schedule
  uint64_t heartbeat_ns = 10'000'000'000ull;
};

}  // namespace ptnet::load
