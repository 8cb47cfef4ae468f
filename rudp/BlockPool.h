// Size-class allocator for everything an Endpoint allocates on the data
// path: queued message units, reorder rings, sent-packet rings, held
// datagrams. One SlabPool per class, created on first use; a freed block
// goes back on its class's free list and is reused by the next peer that
// needs one, so a peer's share grows with its in-flight data and shrinks back
// to nothing when it is idle, and steady traffic allocates nothing.
//
//   class:  0    1     2     3     4      5      6      7      8      9      10      11
//   bytes:  64   128   256   512   1024   1536   2048   4096   8192   16384  32768   65536
//
// Threads: not thread-safe; one owner (the endpoint's thread).
// Ownership: the pool owns the slabs (returned to the OS by its destructor);
// a caller owns a block from allocate() to deallocate() and must hand back
// the class it was given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/SlabPool.h"

namespace ptnet::rudp {

class BlockPool {
 public:
  static constexpr unsigned kClasses = 12;
  static constexpr size_t kMaxBlock = 65536;

  BlockPool();
  ~BlockPool();
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  // A block of at least n (1..kMaxBlock) bytes; its class in *cls. nullptr
  // when the OS refuses memory.
  void* allocate(size_t n, uint8_t* cls);
  void deallocate(void* p, uint8_t cls);

  static uint8_t class_of(size_t n);
  static size_t class_size(uint8_t cls);
  size_t bytes_in_use() const { return bytes_in_use_; }
  size_t blocks_in_use() const { return blocks_in_use_; }

 private:
  std::unique_ptr<SlabPool> pools_[kClasses];
  size_t bytes_in_use_ = 0;
  size_t blocks_in_use_ = 0;
};

}  // namespace ptnet::rudp
