// Per-shard storage for SharedFrames: a few size classes, each a SlabPool,
// so a room broadcast takes its frame from a warm free list instead of the
// allocator. Frames larger than the largest class come from malloc. A frame
// remembers where it came from, so SharedFrame::release() returns it there.
//
//   class   0: <=   256 B   1: <= 1 KiB   2: <= 4 KiB   3: <= 16 KiB   (header included)
//
// Threads: its shard's thread only - a pooled frame never crosses a shard
// (what goes to another shard is copied into a cast batch).
// Ownership: owns the slabs; every frame must be released before the pool
// is destroyed (the shard's services release theirs first).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/SlabPool.h"
#include "tcp/SharedFrame.h"

namespace ptnet::tcp {

class FramePool {
 public:
  static constexpr size_t kClasses = 4;
  static constexpr size_t kClassBytes[kClasses] = {256, 1024, 4096, 16384};

  FramePool();
  ~FramePool();
  FramePool(const FramePool&) = delete;
  FramePool& operator=(const FramePool&) = delete;

  // A frame of `size` bytes with one reference; nullptr when out of memory.
  SharedFrame* create(uint32_t size);
  // Called by SharedFrame::release() for the last reference.
  void free(SharedFrame* f);
  size_t live() const { return live_; }

 private:
  SlabPool* pools_[kClasses];
  alignas(SlabPool) unsigned char storage_[kClasses][sizeof(SlabPool)];
  size_t live_ = 0;
};

}  // namespace ptnet::tcp
