// Bounded lock-free single-producer / single-consumer ring: the cross-shard
// mailbox (one per ordered shard pair).
//
// Threads: exactly one producer thread calls try_push(); exactly one consumer
// thread calls try_pop()/drain(). empty() and capacity() may be called from
// any thread (empty() is only a snapshot). Construction and destruction happen
// while neither side is running.
// Ownership: the queue owns its slot storage and every element between a
// successful push and the pop that moves it out; elements still queued are
// destroyed with the queue.
//
// Layout (indices are free-running 64-bit counters, slot = index & mask):
//
//   line 0: mask_, slots_                 (read-only after construction)
//   line 1: tail_ (producer writes), head_cache_ (producer's copy of head_)
//   line 2: head_ (consumer writes), tail_cache_ (consumer's copy of tail_)
//
// Each side reads the other side's index only when its cached copy says the
// ring looks full (producer) or empty (consumer), so in steady state each
// cache line is written by one core and rarely read by the other.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "base/Assert.h"

namespace ptnet {

template <class T>
class SpscQueue {
  static_assert(std::is_nothrow_move_constructible_v<T>, "SpscQueue<T> needs a nothrow move");
  static_assert(std::is_nothrow_destructible_v<T>, "SpscQueue<T> needs a nothrow destructor");

 public:
  // `capacity` is rounded up to a power of two, at least 2.
  explicit SpscQueue(size_t capacity) : mask_(round_up_pow2(capacity) - 1), slots_(new Slot[mask_ + 1]) {}

  ~SpscQueue() {
    size_t head = head_.load(std::memory_order_relaxed);
    const size_t tail = tail_.load(std::memory_order_relaxed);
    for (; head != tail; ++head) slot(head)->~T();
  }

  SpscQueue(const SpscQueue&) = delete;
  SpscQueue& operator=(const SpscQueue&) = delete;

  // Producer thread only. False when the ring is full (v is left untouched).
  bool try_push(T&& v) { return emplace(std::move(v)); }
  bool try_push(const T& v) { return emplace(v); }

  // Producer thread only. Constructs the element in place.
  template <class... A>
  bool try_emplace(A&&... a) { return emplace(std::forward<A>(a)...); }

  // Consumer thread only. False when the ring is empty.
  bool try_pop(T& out) {
    const size_t head = head_.load(std::memory_order_relaxed);  // only we write head_
    if (head == tail_cache_) {
      // Acquire pairs with the producer's release store of tail_: once we see
      // the new tail, the element constructed in that slot is visible too.
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head == tail_cache_) return false;
    }
    T* p = slot(head);
    out = std::move(*p);
    p->~T();
    // Release orders our read/destruction of the slot before the producer can
    // see the slot as free and construct into it again.
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer thread only. Pops up to `max` elements, calling f(T&) on each in
  // place, and returns how many were popped. The head index is published once
  // for the whole batch, so a burst costs one cross-core write. f must not
  // touch this queue.
  template <class F>
  size_t drain(F&& f, size_t max = SIZE_MAX) {
    const size_t head = head_.load(std::memory_order_relaxed);
    size_t avail = tail_cache_ - head;
    if (avail < max) {
      tail_cache_ = tail_.load(std::memory_order_acquire);  // see try_pop()
      avail = tail_cache_ - head;
    }
    const size_t n = avail < max ? avail : max;
    for (size_t i = 0; i < n; ++i) {
      T* p = slot(head + i);
      f(*p);
      p->~T();
    }
    if (n != 0) head_.store(head + n, std::memory_order_release);  // see try_pop()
    return n;
  }

  // Any thread; a snapshot that may be stale by the time it returns.
  bool empty() const {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }

  // Any thread; a snapshot (exact when called by producer or consumer while the other is idle).
  size_t size() const {
    const size_t head = head_.load(std::memory_order_acquire);
    const size_t tail = tail_.load(std::memory_order_acquire);
    return tail - head;
  }

  size_t capacity() const { return mask_ + 1; }

 private:
  struct Slot {
    alignas(T) unsigned char bytes[sizeof(T)];
  };

  static size_t round_up_pow2(size_t n) {
    PTNET_ASSERT(n <= (SIZE_MAX >> 1) + 1);
    size_t c = 2;
    while (c < n) c <<= 1;
    return c;
  }

  T* slot(size_t index) const { return std::launder(reinterpret_cast<T*>(slots_[index & mask_].bytes)); }

  template <class... A>
  bool emplace(A&&... a) {
    const size_t tail = tail_.load(std::memory_order_relaxed);  // only we write tail_
    if (tail - head_cache_ > mask_) {
      // Acquire pairs with the consumer's release store of head_: the slot we
      // are about to reuse has been fully read and destroyed.
      head_cache_ = head_.load(std::memory_order_acquire);
      if (tail - head_cache_ > mask_) return false;
    }
    ::new (static_cast<void*>(slots_[tail & mask_].bytes)) T(std::forward<A>(a)...);
    // Release publishes the constructed element before the consumer can see
    // the new tail.
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  static constexpr size_t kCacheLine = 64;

  // Read-only after construction; shared by both sides.
  alignas(kCacheLine) const size_t mask_;
  const std::unique_ptr<Slot[]> slots_;

  // Producer side.
  alignas(kCacheLine) std::atomic<size_t> tail_{0};
  size_t head_cache_ = 0;

  // Consumer side.
  alignas(kCacheLine) std::atomic<size_t> head_{0};
  size_t tail_cache_ = 0;
  // alignas on the members also rounds sizeof up to a whole line, so whatever
  // follows the queue in memory stays off the consumer's line.
};

}  // namespace ptnet
