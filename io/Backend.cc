#include "io/Backend.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "io/EpollBackend.h"
#include "ptnet_config.h"
#if PTNET_HAVE_IO_URING
#include "io/UringBackend.h"
#endif

namespace ptnet::io {

const char* to_string(BackendKind k) {
  switch (k) {
    case BackendKind::Auto: return "auto";
    case BackendKind::Uring: return "uring";
    case BackendKind::Epoll: return "epoll";
  }
  return "?";
}

const char* to_string(WakeMode m) {
  switch (m) {
    case WakeMode::Auto: return "auto";
    case WakeMode::EventFd: return "eventfd";
    case WakeMode::MsgRing: return "msgring";
  }
  return "?";
}

Backend::~Backend() {
  if (event_fd_ >= 0) close(event_fd_);
}

int Backend::init_common(const BackendConfig& cfg) {
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) return -errno;
  return buffers_.init(cfg.recv_buffers, cfg.recv_buffer_size);
}

void Backend::notify() {
  uint64_t one = 1;
  // EAGAIN means the counter is saturated: the target is being woken anyway.
  ssize_t n = write(event_fd_, &one, sizeof one);
  (void)n;
}

void Backend::wake(Backend& target) { target.notify(); }

bool uring_available(std::string* why) {
#if !PTNET_HAVE_IO_URING
  if (why) *why = "built without io_uring (meson -Dio_uring=disabled or liburing missing)";
  return false;
#else
  if (const char* env = std::getenv("PTNET_DISABLE_IO_URING"); env && *env && *env != '0') {
    if (why) *why = "PTNET_DISABLE_IO_URING is set";
    return false;
  }
  if (FILE* f = std::fopen("/proc/sys/kernel/io_uring_disabled", "r")) {
    int v = 0;
    int got = std::fscanf(f, "%d", &v);
    std::fclose(f);
    if (got == 1 && v == 2) {
      if (why) *why = "/proc/sys/kernel/io_uring_disabled is 2";
      return false;
    }
  }
  int err = UringBackend::probe();
  if (err < 0) {
    if (why) *why = std::string("io_uring setup failed: ") + std::strerror(-err);
    return false;
  }
  return true;
#endif
}

BackendResult make_backend(const BackendConfig& cfg) {
  BackendResult r;
  if (cfg.kind != BackendKind::Epoll) {
#if PTNET_HAVE_IO_URING
    if (uring_available(&r.fallback_reason)) {
      auto b = std::make_unique<UringBackend>();
      int err = b->init(cfg);
      if (err == 0) {
        r.backend = std::move(b);
        return r;
      }
      r.fallback_reason = std::string("io_uring init failed: ") + std::strerror(-err);
    }
#else
    uring_available(&r.fallback_reason);
#endif
    if (cfg.kind == BackendKind::Uring) {
      r.error = -ENOSYS;
      return r;
    }
  }
  auto b = std::make_unique<EpollBackend>();
  int err = b->init(cfg);
  if (err != 0) {
    r.error = err;
    return r;
  }
  r.backend = std::move(b);
  return r;
}

}  // namespace ptnet::io
