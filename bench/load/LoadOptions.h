// ptnet-load's command line, parsed and validated. Filled once by the main
// thread before any worker starts; read-only afterwards (workers get copies of
// what they need through WorkerConfig).
#pragma once

#include <netinet/in.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "GameProtocol.h"

namespace ptnet::load {

struct LoadOptions {
  enum class Mode : uint8_t { kEcho, kIdle, kChat, kMove };

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
  std::vector<int> cpus;      // resolved: never empty after parse()
  uint32_t threads = 0;       // resolved: >= 1 after parse()
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

  bool game() const { return mode == Mode::kChat || mode == Mode::kMove; }
  uint32_t rooms() const { return (users + room_size - 1) / room_size; }
  const char* mode_name() const {
    return mode == Mode::kEcho   ? "echo"
           : mode == Mode::kIdle ? "idle"
           : mode == Mode::kChat ? "chat"
                                 : "move";
  }
  const char* encoding_name() const { return encoding == GameEncoding::kJson ? "json" : "binary"; }
  bool open_loop() const { return rate > 0.0; }
  uint32_t frame_bytes() const { return size + 4; }

  // Parses argv. Returns -1 to go on, or the exit status to leave with
  // (0 after --help, 2 on a usage error; the message is already printed).
  static int parse(int argc, char** argv, LoadOptions& out);
};

}  // namespace ptnet::load
