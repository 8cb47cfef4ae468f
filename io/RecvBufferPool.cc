#include "io/RecvBufferPool.h"

#include <sys/mman.h>

#include <cerrno>

namespace ptnet::io {

RecvBufferPool::~RecvBufferPool() {
  if (base_ != nullptr) munmap(base_, bytes_);
}

int RecvBufferPool::init(uint32_t count, uint32_t size) {
  if (count == 0 || count > 32768 || size == 0) return -EINVAL;
  bytes_ = size_t(count) * size;
  void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return -errno;
  base_ = static_cast<uint8_t*>(p);
  count_ = count;
  size_ = size;
  free_.reserve(count);
  for (uint32_t i = count; i > 0; --i) free_.push_back(uint16_t(i - 1));
  return 0;
}

bool RecvBufferPool::pop(uint16_t& bid) {
  if (free_.empty()) return false;
  bid = free_.back();
  free_.pop_back();
  return true;
}

}  // namespace ptnet::io
