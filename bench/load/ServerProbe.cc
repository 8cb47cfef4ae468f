#include "bench/load/ServerProbe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ptnet::load {

ServerProbe::~ServerProbe() {
  if (stat_fd_ >= 0) close(stat_fd_);
  if (status_fd_ >= 0) close(status_fd_);
}

int ServerProbe::open(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/stat", int(pid));
  stat_fd_ = ::open(path, O_RDONLY | O_CLOEXEC);
  if (stat_fd_ < 0) return errno;
  std::snprintf(path, sizeof(path), "/proc/%d/status", int(pid));
  status_fd_ = ::open(path, O_RDONLY | O_CLOEXEC);
  if (status_fd_ < 0) return errno;
  const long hz = sysconf(_SC_CLK_TCK);
  tick_s_ = hz > 0 ? 1.0 / double(hz) : 0.01;
  if (cpu_ticks() < 0) return ESRCH;
  return 0;
}

int64_t ServerProbe::cpu_ticks() const {
  char buf[1024];
  const ssize_t n = pread(stat_fd_, buf, sizeof(buf) - 1, 0);
  if (n <= 0) return -1;
  buf[n] = '\0';
  // Field 2 (comm) may hold spaces and parentheses: fields 3.. start after
  // the last ')'. utime and stime are fields 14 and 15.
  const char* p = std::strrchr(buf, ')');
  if (p == nullptr) return -1;
  ++p;
  int field = 2;
  int64_t utime = -1, stime = -1;
  while (*p != '\0' && field < 15) {
    while (*p == ' ') ++p;
    ++field;
    char* end = nullptr;
    if (field == 14 || field == 15) {
      const long long v = std::strtoll(p, &end, 10);
      if (end == p) return -1;
      (field == 14 ? utime : stime) = v;
      p = end;
    } else {
      while (*p != ' ' && *p != '\0') ++p;
    }
  }
  return utime >= 0 && stime >= 0 ? utime + stime : -1;
}

int64_t ServerProbe::rss_kib() const {
  char buf[4096];
  const ssize_t n = pread(status_fd_, buf, sizeof(buf) - 1, 0);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char* p = std::strstr(buf, "\nVmRSS:");
  if (p == nullptr) return -1;
  return std::strtoll(p + 7, nullptr, 10);
}

}  // namespace ptnet::load
