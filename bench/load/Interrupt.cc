#include "bench/load/Interrupt.h"

#include <cerrno>
#include <csignal>
#include <ctime>

namespace ptnet::load {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_signal(int) { g_interrupted = 1; }

}  // namespace

void Interrupt::install() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool Interrupt::raised() { return g_interrupted != 0; }

bool Interrupt::sleep_until(uint64_t deadline_ns) {
  timespec ts;
  ts.tv_sec = time_t(deadline_ns / 1'000'000'000u);
  ts.tv_nsec = long(deadline_ns % 1'000'000'000u);
  while (!g_interrupted) {
    const int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
    if (rc == 0) return true;
    if (rc != EINTR) return !g_interrupted;
  }
  return false;
}

}  // namespace ptnet::load
