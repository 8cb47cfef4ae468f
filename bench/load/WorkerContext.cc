#include "bench/load/WorkerContext.h"

namespace ptnet::load {

void WorkerContext::count_connect_failure(ErrorKind kind, int err) {
  count(kind);
  note_connect_failed();
  int expected = 0;
  stats_.first_connect_errno.compare_exchange_strong(expected, err);
}

void WorkerContext::publish() {
  stats_.connect_failed.store(connect_failed_, std::memory_order_relaxed);
  if (!errors_changed_) return;
  errors_changed_ = false;
  for (size_t k = 0; k < kErrorKinds; ++k) stats_.errors[k].store(errors_[k], std::memory_order_relaxed);
}

}  // namespace ptnet::load
