// ptnet-load's command line, parsed and validated. Filled once by the main
// thread before any worker starts; read-only afterwards (workers get copies of
// what they need through WorkerConfig).
#pragma once

#include <netinet/in.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ptnet::load {

struct LoadOptions {
  enum class Mode : uint8_t { kEcho, kIdle };

  Mode mode = Mode::kEcho;
  std::string host = "127.0.0.1";
  uint16_t port = 4000;
  uint32_t conns = 100;
  uint32_t depth = 1;
  double rate = 0.0;          // total msgs/s, 0 = closed loop
  uint32_t size = 64;         // payload bytes
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

  bool open_loop() const { return rate > 0.0; }
  uint32_t frame_bytes() const { return size + 4; }

  // Parses argv. Returns -1 to go on, or the exit status to leave with
  // (0 after --help, 2 on a usage error; the message is already printed).
  static int parse(int argc, char** argv, LoadOptions& out);
};

}  // namespace ptnet::load
