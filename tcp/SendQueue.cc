#include "tcp/SendQueue.h"

#include <cstring>

#include "base/Assert.h"

namespace ptnet::tcp {

void SendQueue::link(Segment* s) {
  s->next = nullptr;
  if (tail_ != nullptr) tail_->next = s;
  else head_ = s;
  tail_ = s;
}

SendQueue::Segment* SendQueue::new_chunk(Pools& pools) {
  void* mem = pools.chunks.allocate();
  if (PTNET_UNLIKELY(mem == nullptr)) return nullptr;
  Segment* s = static_cast<Segment*>(mem);
  s->ref = nullptr;
  s->begin = 0;
  s->end = 0;
  link(s);
  return s;
}

void SendQueue::free_segment(Pools& pools, Segment* s) {
  if (s->ref != nullptr) {
    s->ref->release();
    pools.refs.deallocate(s);
  } else {
    pools.chunks.deallocate(s);
  }
}

bool SendQueue::append(Pools& pools, const void* data, size_t n) {
  const uint8_t* src = static_cast<const uint8_t*>(data);
  while (n > 0) {
    Segment* s = tail_;
    if (s == nullptr || s->ref != nullptr || s->end == kPayload) {
      s = new_chunk(pools);
      if (s == nullptr) return false;
    }
    const size_t room = kPayload - s->end;
    const size_t take = n < room ? n : room;
    std::memcpy(chunk_data(s) + s->end, src, take);
    s->end += uint32_t(take);
    bytes_ += take;
    src += take;
    n -= take;
  }
  return true;
}

bool SendQueue::append_shared(Pools& pools, SharedFrame* f) {
  static_assert(sizeof(Segment) <= sizeof(void*) * 4, "Pools::refs holds a Segment");
  void* mem = pools.refs.allocate();
  if (PTNET_UNLIKELY(mem == nullptr)) return false;
  Segment* s = static_cast<Segment*>(mem);
  f->retain();
  s->ref = f;
  s->begin = 0;
  s->end = f->size;
  link(s);
  bytes_ += f->size;
  return true;
}

unsigned SendQueue::gather(iovec* iov, unsigned max) const {
  unsigned k = 0;
  for (const Segment* s = head_; s != nullptr && k < max; s = s->next) {
    if (s->end == s->begin) continue;
    iov[k].iov_base = const_cast<uint8_t*>(base(s) + s->begin);
    iov[k].iov_len = s->end - s->begin;
    ++k;
  }
  return k;
}

void SendQueue::consume(Pools& pools, size_t n) {
  PTNET_ASSERT(n <= bytes_);
  bytes_ -= n;
  while (n > 0) {
    Segment* s = head_;
    const size_t avail = s->end - s->begin;
    if (n < avail) {
      s->begin += uint32_t(n);
      return;
    }
    n -= avail;
    head_ = s->next;
    if (head_ == nullptr) tail_ = nullptr;
    free_segment(pools, s);
  }
}

void SendQueue::clear(Pools& pools) {
  while (head_ != nullptr) {
    Segment* next = head_->next;
    free_segment(pools, head_);
    head_ = next;
  }
  tail_ = nullptr;
  bytes_ = 0;
}

}  // namespace ptnet::tcp
