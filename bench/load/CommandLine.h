// ptnet-load's command line (CLI11): one subcommand per mode (Mode.h), each
// with only the options that mode uses, every one range-checked by its own
// validator and showing its default in `ptnet-load MODE --help`:
//
//   ptnet-load [MODE] [options]        MODE: echo (default), idle, chat, move
//   ptnet-load --mode MODE [options]   the same (scripts and the README use it)
//
// An option a mode does not take is a usage error (CLI11's "not expected"),
// so there are no run-time cross-checks left but the ones that involve two
// flags (--user-base + --users (idle: --conns) must fit a u32; --users x
// --room-size member pairs must fit the verifier's table).
//
// Called once, by the main thread, before anything else runs.
#pragma once

#include <string>
#include <vector>

#include "bench/load/ExitStatus.h"
#include "bench/load/LoadOptions.h"

namespace ptnet::load {

struct CommandLine {
  // What parse() decided: run with `options`, or leave with `exit`
  // (kOk after --help, kFailed after a usage error; the message is printed).
  struct Result {
    bool run = false;
    ExitStatus exit = ExitStatus::kOk;
    LoadOptions options;
  };
  static Result parse(int argc, const char* const* argv);

  // The arguments after argv[0] with the mode moved to the front: `--mode X`
  // or `--mode=X` anywhere becomes the subcommand X; without a mode, echo
  // (unless help is asked for: then the mode list is shown). `error` is set
  // (and `args` meaningless) for an unknown mode or two different modes.
  struct ModeArgs {
    std::vector<std::string> args;
    std::string error;
  };
  static ModeArgs place_mode(int argc, const char* const* argv);
};

}  // namespace ptnet::load
