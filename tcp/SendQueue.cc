#include "tcp/SendQueue.h"

#include <cstring>

#include "core/Assert.h"

namespace ptnet::tcp {

SendQueue::Chunk* SendQueue::new_chunk(SlabPool& pool) {
  void* mem = pool.allocate();
  if (PTNET_UNLIKELY(mem == nullptr)) return nullptr;
  Chunk* c = static_cast<Chunk*>(mem);
  c->next = nullptr;
  c->begin = 0;
  c->end = 0;
  if (tail_ != nullptr) tail_->next = c;
  else head_ = c;
  tail_ = c;
  return c;
}

bool SendQueue::append(SlabPool& pool, const void* data, size_t n) {
  const uint8_t* src = static_cast<const uint8_t*>(data);
  while (n > 0) {
    Chunk* c = tail_;
    if (c == nullptr || c->end == kPayload) {
      c = new_chunk(pool);
      if (c == nullptr) return false;
    }
    const size_t room = kPayload - c->end;
    const size_t take = n < room ? n : room;
    std::memcpy(c->data() + c->end, src, take);
    c->end += uint32_t(take);
    bytes_ += take;
    src += take;
    n -= take;
  }
  return true;
}

unsigned SendQueue::gather(iovec* iov, unsigned max) const {
  unsigned k = 0;
  for (Chunk* c = head_; c != nullptr && k < max; c = c->next) {
    if (c->end == c->begin) continue;
    iov[k].iov_base = c->data() + c->begin;
    iov[k].iov_len = c->end - c->begin;
    ++k;
  }
  return k;
}

void SendQueue::consume(SlabPool& pool, size_t n) {
  PTNET_ASSERT(n <= bytes_);
  bytes_ -= n;
  while (n > 0) {
    Chunk* c = head_;
    const size_t avail = c->end - c->begin;
    if (n < avail) {
      c->begin += uint32_t(n);
      return;
    }
    n -= avail;
    head_ = c->next;
    if (head_ == nullptr) tail_ = nullptr;
    pool.deallocate(c);
  }
  // Everything up to a chunk boundary was consumed; a fully drained tail
  // chunk is released too so an idle connection holds no memory.
  if (head_ != nullptr && head_->begin == head_->end && head_ == tail_) {
    pool.deallocate(head_);
    head_ = tail_ = nullptr;
  }
}

void SendQueue::clear(SlabPool& pool) {
  while (head_ != nullptr) {
    Chunk* next = head_->next;
    pool.deallocate(head_);
    head_ = next;
  }
  tail_ = nullptr;
  bytes_ = 0;
}

}  // namespace ptnet::tcp
