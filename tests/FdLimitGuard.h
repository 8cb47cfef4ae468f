// Puts the test process at its descriptor limit and undoes it on scope exit
// (also when an ASSERT returns early), so later tests in the process are not
// starved of descriptors.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace ptnet::test {

class FdLimitGuard {
 public:
  // Lowers the soft RLIMIT_NOFILE to `limit`; false if refused.
  bool lower(rlim_t limit) {
    if (getrlimit(RLIMIT_NOFILE, &saved_) != 0) return false;
    rlimit low = saved_;
    low.rlim_cur = limit;
    lowered_ = setrlimit(RLIMIT_NOFILE, &low) == 0;
    return lowered_;
  }
  // Opens descriptors until the limit refuses one; true when it did (EMFILE).
  bool fill() {
    const int base = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (base < 0) return false;
    filler_.push_back(base);
    for (int fd; (fd = fcntl(base, F_DUPFD_CLOEXEC, 0)) >= 0;) filler_.push_back(fd);
    return errno == EMFILE;
  }
  // Frees one descriptor for someone else to take.
  void free_one() {
    close(filler_.back());
    filler_.pop_back();
  }
  void restore() {
    for (int fd : filler_) close(fd);
    filler_.clear();
    if (lowered_) setrlimit(RLIMIT_NOFILE, &saved_);
    lowered_ = false;
  }
  ~FdLimitGuard() { restore(); }

 private:
  rlimit saved_{};
  bool lowered_ = false;
  std::vector<int> filler_;
};

}  // namespace ptnet::test
