// ptnet-server's settings: every flag through CLI11 with its default in
// --help, plus a config file (--config FILE, keys = flag names) and PTNET_*
// environment variables; precedence command line > environment > file >
// default (app/OptionSources.h). --print-config shows the effective values
// and where each came from. Invalid combinations are refused at start with a
// message saying which and why.
#pragma once

#include <cstdint>
#include <string>

#include "core/Engine.h"
#include "game/GameConfig.h"
#include "rudp/RudpConfig.h"
#include "tcp/TcpConfig.h"

namespace ptnet::app {

struct ServerOptions {
  bool echo = false;
  EngineConfig engine;
  tcp::TcpConfig tcp;
  game::GameConfig game;
  bool udp = true;        // serve reliable UDP on rudp.port
  rudp::RudpConfig rudp;
  unsigned stats_interval_s = 0;
  std::string log_level = "info";
};

// What parsing decided: run the server, or exit with exit_code (0 after
// --help or --print-config, 2 on bad usage, with the message printed).
struct OptionsOutcome {
  bool run = false;
  int exit_code = 0;
};

OptionsOutcome parse_server_options(int argc, char** argv, ServerOptions* out);

}  // namespace ptnet::app
