// A connection's outgoing bytes: a chain of segments sent from the head.
// A segment is either a chunk of copied bytes (from the shard's chunk pool)
// or a reference to a SharedFrame (a broadcast encoded once for many
// connections), so fan-out never copies a frame per member.
//
//   head                                                    tail
//   [chunk: ..sent..|##queued##]-> [ref -> SharedFrame] -> [chunk: ###|free]
//           begin ^          ^ end
//
// While a send is in flight the kernel reads [begin, end) of the head
// segments; appends only write past the tail's `end`, so they never race
// with it. Segments return to their pools as soon as they are consumed: an
// idle connection holds none. Owned by one Connection; shard thread only.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

#include "core/SlabPool.h"
#include "tcp/SharedFrame.h"

namespace ptnet::tcp {

class SendQueue {
 public:
  static constexpr size_t kChunkSize = 16384;

  // The pools every SendQueue on a shard shares.
  struct Pools {
    SlabPool chunks{kChunkSize, 64, 64};
    SlabPool refs{sizeof(void*) * 4, 256, 16};
  };

  SendQueue() = default;
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;

  bool empty() const { return bytes_ == 0; }
  size_t bytes() const { return bytes_; }

  // Copies n bytes in; false when the pool cannot supply a chunk.
  bool append(Pools& pools, const void* data, size_t n);
  // Copies a 4-byte header and a body in (one bounds check and no chunk
  // walk in the common case where both fit in the tail chunk).
  bool append_frame(Pools& pools, const uint8_t header[4], const void* body, size_t n) {
    Segment* s = tail_;
    if (s != nullptr && s->ref == nullptr && kPayload - s->end >= 4 + n) {
      uint8_t* dst = chunk_data(s) + s->end;
      __builtin_memcpy(dst, header, 4);
      __builtin_memcpy(dst + 4, body, n);
      s->end += uint32_t(4 + n);
      bytes_ += 4 + n;
      return true;
    }
    return append(pools, header, 4) && append(pools, body, n);
  }
  // Makes room for n contiguous bytes at the tail (n <= kPayload) and counts
  // them as queued; the caller writes them before anything is sent (a
  // fan-out copy fills many queues' reservations at once). nullptr when the
  // pool cannot supply a chunk.
  uint8_t* reserve(Pools& pools, size_t n) {
    Segment* s = tail_;
    if (s == nullptr || s->ref != nullptr || kPayload - s->end < n) {
      PTNET_ASSERT(n <= kPayload);
      s = new_chunk(pools);
      if (s == nullptr) return nullptr;
    }
    uint8_t* dst = chunk_data(s) + s->end;
    s->end += uint32_t(n);
    bytes_ += n;
    return dst;
  }
  static constexpr size_t max_reserve() { return kPayload; }
  // Queues a reference to `f` (taking one reference); false when out of memory.
  bool append_shared(Pools& pools, SharedFrame* f);

  // Fills up to `max` iovecs from the head; returns how many.
  unsigned gather(iovec* iov, unsigned max) const;
  // Drops n sent bytes from the head (n <= bytes()).
  void consume(Pools& pools, size_t n);
  // Drops everything.
  void clear(Pools& pools);

 private:
  struct Segment {
    Segment* next;
    SharedFrame* ref;  // nullptr: a chunk whose payload follows this header
    uint32_t begin;
    uint32_t end;
  };
  static constexpr uint32_t kPayload = uint32_t(kChunkSize - sizeof(Segment));
  static uint8_t* chunk_data(Segment* s) { return reinterpret_cast<uint8_t*>(s + 1); }
  static const uint8_t* base(const Segment* s) {
    return s->ref != nullptr ? s->ref->data() : reinterpret_cast<const uint8_t*>(s + 1);
  }

  Segment* new_chunk(Pools& pools);
  void link(Segment* s);
  void free_segment(Pools& pools, Segment* s);

  Segment* head_ = nullptr;
  Segment* tail_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace ptnet::tcp
