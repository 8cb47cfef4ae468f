// An encoded frame (length header included) queued BY REFERENCE on several
// connections of one shard: a room broadcast is encoded once and every
// local member's SendQueue points at it. The reference count is plain (not
// atomic): a SharedFrame belongs to exactly one shard. It comes from that
// shard's FramePool (or, unpooled, from malloc) and goes back there with its
// last reference.
//
//   +------+------+------+-------+----------------------------+
//   | refs | size | pool | class | size bytes: header + body  |
//   +------+------+------+-------+----------------------------+
#pragma once

#include <cstdint>
#include <cstdlib>

#include "base/Assert.h"

namespace ptnet::tcp {

class FramePool;

struct SharedFrame {
  uint32_t refs;
  uint32_t size;
  FramePool* pool;     // nullptr: malloc'd
  uint8_t size_class;  // the pool's class it came from

  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }

  // An unpooled frame of `size` bytes with one reference (the creator's);
  // nullptr when out of memory. FramePool::create() is the pooled way.
  static SharedFrame* create(uint32_t size) {
    auto* f = static_cast<SharedFrame*>(std::malloc(sizeof(SharedFrame) + size));
    if (f != nullptr) *f = SharedFrame{1, size, nullptr, 0};
    return f;
  }
  void retain() { ++refs; }
  void release() {
    PTNET_ASSERT(refs > 0);
    if (--refs == 0) destroy();
  }

 private:
  void destroy();  // back to its pool, or free()
};

}  // namespace ptnet::tcp
