// Reads a server process's CPU time (/proc/PID/stat utime + stime) and
// resident set (/proc/PID/status VmRSS). The files are opened once and re-read
// with pread, so a sample costs one syscall and no allocation. Owned by the
// main thread.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace ptnet::load {

class ServerProbe {
 public:
  ServerProbe() = default;
  ~ServerProbe();
  ServerProbe(const ServerProbe&) = delete;
  ServerProbe& operator=(const ServerProbe&) = delete;

  // Returns 0 or a positive errno (no such process, no permission).
  int open(pid_t pid);

  // utime + stime in clock ticks, or -1.
  int64_t cpu_ticks() const;
  // Seconds per clock tick (1 / sysconf(_SC_CLK_TCK)).
  double tick_seconds() const { return tick_s_; }
  // VmRSS in KiB, or -1.
  int64_t rss_kib() const;

 private:
  int stat_fd_ = -1;
  int status_fd_ = -1;
  double tick_s_ = 0.01;
};

}  // namespace ptnet::load
