// A connection's outgoing bytes: a chain of fixed-size chunks taken from the
// shard's chunk pool, appended at the tail and sent from the head.
//
//   head                                tail
//   [hdr|....sent....|####queued####]-> [hdr|#####|  free  ]
//         begin ^                end ^
//
// While a send is in flight the kernel reads [begin, begin + n) of the head
// chunks; appends only write past `end`, so they never race with it. Chunks
// return to the pool as soon as they are consumed: an idle connection holds
// none. Owned by one Connection; touched only by its shard.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

#include "core/SlabPool.h"

namespace ptnet::tcp {

class SendQueue {
 public:
  static constexpr size_t kChunkSize = 16384;

  SendQueue() = default;
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;

  bool empty() const { return bytes_ == 0; }
  size_t bytes() const { return bytes_; }

  // Copies n bytes in; false when the pool cannot supply a chunk.
  bool append(SlabPool& pool, const void* data, size_t n);
  // Copies a 4-byte header and a body in (one bounds check and no chunk
  // walk in the common case where both fit in the tail chunk).
  bool append_frame(SlabPool& pool, const uint8_t header[4], const void* body, size_t n) {
    Chunk* c = tail_;
    if (c != nullptr && kPayload - c->end >= 4 + n) {
      uint8_t* dst = c->data() + c->end;
      __builtin_memcpy(dst, header, 4);
      __builtin_memcpy(dst + 4, body, n);
      c->end += uint32_t(4 + n);
      bytes_ += 4 + n;
      return true;
    }
    return append(pool, header, 4) && append(pool, body, n);
  }
  // Fills up to `max` iovecs from the head; returns how many.
  unsigned gather(iovec* iov, unsigned max) const;
  // Drops n sent bytes from the head (n <= bytes()).
  void consume(SlabPool& pool, size_t n);
  // Drops everything.
  void clear(SlabPool& pool);

  // The pool every SendQueue on a shard shares.
  static SlabPool make_pool() { return SlabPool(kChunkSize, 64, 64); }

 private:
  struct Chunk {
    Chunk* next;
    uint32_t begin;
    uint32_t end;
    uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  };
  static constexpr uint32_t kPayload = uint32_t(kChunkSize - sizeof(Chunk));

  Chunk* new_chunk(SlabPool& pool);

  Chunk* head_ = nullptr;
  Chunk* tail_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace ptnet::tcp
