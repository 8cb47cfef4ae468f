// Receive buffers of one backend: `count` buffers of `size` bytes in one
// anonymous mapping (pages are touched only as data lands in them). The
// io_uring backend hands them to the kernel as a provided-buffer ring; the
// epoll backend reads into them itself and keeps the free ones on a stack.
// Owned by its backend; touched only by the backend's shard thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ptnet::io {

class RecvBufferPool {
 public:
  RecvBufferPool() = default;
  ~RecvBufferPool();
  RecvBufferPool(const RecvBufferPool&) = delete;
  RecvBufferPool& operator=(const RecvBufferPool&) = delete;

  // Returns 0 or a negated errno.
  int init(uint32_t count, uint32_t size);

  uint8_t* data(uint16_t bid) const { return base_ + size_t(bid) * size_; }
  uint32_t size() const { return size_; }
  uint32_t count() const { return count_; }

  // Free-stack use (epoll backend only).
  bool pop(uint16_t& bid);
  void push(uint16_t bid) { free_.push_back(bid); }
  size_t free_count() const { return free_.size(); }

 private:
  uint8_t* base_ = nullptr;
  size_t bytes_ = 0;
  uint32_t count_ = 0;
  uint32_t size_ = 0;
  std::vector<uint16_t> free_;
};

}  // namespace ptnet::io
