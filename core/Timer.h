// One timer, embedded in its owner (a session, a retransmission queue, ...)
// and armed on the owning shard's TimerWheel. Intrusive: arming never
// allocates.
//
// Threads: touched only by the shard thread that owns its wheel.
// Ownership: the owner owns the Timer; while armed, the wheel links it into
// one of its slots. A Timer holds no pointer to its wheel, so the owner must
// cancel() it before destroying it (the destructor asserts it is not armed),
// and it must not move while armed (it is neither copyable nor movable).
#pragma once

#include <cstdint>

#include "base/Assert.h"

namespace ptnet {

class TimerWheel;

class Timer {
 public:
  // Called by TimerWheel::advance() with the timer already disarmed; the
  // callback may re-arm it, arm or cancel others, or destroy its owner.
  using Callback = void (*)(Timer& t, uint64_t now_ns);

  Timer() = default;
  Timer(Callback cb, void* ctx) : cb_(cb), ctx_(ctx) {}
  ~Timer() { PTNET_ASSERT(!armed()); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void set(Callback cb, void* ctx) {
    cb_ = cb;
    ctx_ = ctx;
  }

  void* ctx() const { return ctx_; }
  bool armed() const { return pprev_ != nullptr; }
  // The deadline it was last scheduled for (meaningful while armed).
  uint64_t deadline_ns() const { return deadline_; }

 private:
  friend class TimerWheel;

  // Slot lists are singly linked with a back pointer to the previous `next`
  // field (or to the slot head), so unlinking needs neither the list nor a
  // sentinel node, and each slot head is one pointer.
  Timer* next_ = nullptr;
  Timer** pprev_ = nullptr;  // nullptr <=> not armed
  uint64_t deadline_ = 0;
  Callback cb_ = nullptr;
  void* ctx_ = nullptr;
  uint8_t level_ = 0;  // where it is linked, for keeping the occupancy bitmaps exact
  uint8_t slot_ = 0;
};

}  // namespace ptnet
