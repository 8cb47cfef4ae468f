// ptnet-server's command line, parsed with CLI11.
#pragma once

#include <cstdint>
#include <string>

#include "core/Engine.h"
#include "game/GameConfig.h"
#include "tcp/TcpConfig.h"

namespace ptnet::app {

struct ServerOptions {
  bool echo = false;
  EngineConfig engine;
  tcp::TcpConfig tcp;
  game::GameConfig game;
  uint16_t udp_port = 5000;
  unsigned stats_interval_s = 0;
  std::string log_level = "info";
};

// Returns -1 to continue, otherwise the exit code (help printed: 0, bad usage: 2).
int parse_server_options(int argc, char** argv, ServerOptions* out);

}  // namespace ptnet::app
