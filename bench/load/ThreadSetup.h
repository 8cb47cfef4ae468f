// Per-thread setup shared by the workers: pin to one CPU and shrink the timer
// slack so sub-millisecond ring wait timeouts (open-loop pacing) are honoured.
// Stateless; each worker calls it on itself.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>

namespace ptnet::load {

struct ThreadSetup {
  // Returns 0 or a positive errno.
  static int pin_self(int cpu) {
    prctl(PR_SET_TIMERSLACK, 1ul, 0ul, 0ul, 0ul);
    if (cpu < 0) return 0;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  }
};

}  // namespace ptnet::load
