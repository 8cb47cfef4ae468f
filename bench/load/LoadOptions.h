// ptnet-load's settings, as CommandLine fills and resolves them (every
// default here is the one --help shows). Filled once by the main thread
// before any worker starts; read-only afterwards (workers get copies of what
// they need through WorkerConfig).
#pragma once

#include <netinet/in.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/load/GameProtocol.h"
#include "bench/load/Mode.h"
#include "io/BackendKind.h"

namespace ptnet::load {

struct LoadOptions {
  Mode mode = Mode::kEcho;
  std::string host = "127.0.0.1";
  uint16_t port = 4000;
  uint32_t conns = 100;
  uint32_t depth = 1;
  double rate = 0.0;          // total msgs/s, 0 = closed loop
  uint32_t size = 64;         // payload bytes (chat: text bytes)
  double duration_s = 10.0;
  double warmup_s = 1.0;
  double connect_rate = 0.0;  // new connections/s, 0 = as fast as possible
  double connect_timeout_s = 5.0;
  std::vector<int> cpus;      // resolved: never empty
  uint32_t threads = 0;       // resolved: >= 1, <= conns
  io::BackendKind backend = io::BackendKind::Auto;
  bool json = false;
  bool quiet = false;
  pid_t server_pid = 0;       // 0 = not given
  sockaddr_in addr{};         // resolved host:port

  // chat / move (conns is set to users for them).
  uint32_t users = 1000;
  uint32_t room_size = 50;
  GameEncoding encoding = GameEncoding::kBinary;
  uint32_t user_base = 1000;  // user_id of user 0
  double heartbeat_s = 10.0;

  const ModeSpec& spec() const { return mode_spec(mode); }
  const char* mode_name() const { return spec().name.data(); }
  bool game() const { return spec().traffic == TrafficKind::kRoom; }
  uint32_t rooms() const { return (users + room_size - 1) / room_size; }
  const char* encoding_name() const { return encoding == GameEncoding::kJson ? "json" : "binary"; }
  bool open_loop() const { return rate > 0.0; }
  uint32_t frame_bytes() const { return size + 4; }
};

}  // namespace ptnet::load
