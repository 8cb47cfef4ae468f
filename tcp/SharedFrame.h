// An encoded frame (length header included) queued BY REFERENCE on several
// connections of one shard: a room broadcast is encoded once and every
// local member's SendQueue points at it. The reference count is plain (not
// atomic): a SharedFrame belongs to exactly one shard. A frame meant for
// another shard is a separate SharedFrame whose ownership moves with the
// mailbox message.
//
//   +------+------+----------------------------+
//   | refs | size | size bytes: header + body  |
//   +------+------+----------------------------+
#pragma once

#include <cstdint>
#include <cstdlib>

#include "base/Assert.h"

namespace ptnet::tcp {

struct SharedFrame {
  uint32_t refs;
  uint32_t size;

  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }

  // A frame of `size` bytes with one reference (the creator's); nullptr when
  // out of memory.
  static SharedFrame* create(uint32_t size) {
    auto* f = static_cast<SharedFrame*>(std::malloc(sizeof(SharedFrame) + size));
    if (f != nullptr) {
      f->refs = 1;
      f->size = size;
    }
    return f;
  }
  void retain() { ++refs; }
  void release() {
    PTNET_ASSERT(refs > 0);
    if (--refs == 0) std::free(this);
  }
};

}  // namespace ptnet::tcp
