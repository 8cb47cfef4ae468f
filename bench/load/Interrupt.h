// SIGINT/SIGTERM as a flag the main thread polls, and a sleep that a signal
// cuts short. Process-wide; installed once by the main thread.
#pragma once

#include <cstdint>

namespace ptnet::load {

struct Interrupt {
  // SIGINT and SIGTERM set the flag; SIGPIPE is ignored.
  static void install();
  static bool raised();
  // Sleeps until `deadline_ns` (CLOCK_MONOTONIC); false when interrupted.
  static bool sleep_until(uint64_t deadline_ns);
};

}  // namespace ptnet::load
