// Shard-local hierarchical timing wheel: kLevels levels of kSlots slots. A
// level-L slot spans 64^L ticks, so 6 levels at a 1 ms tick reach 2^36 ms
// (~795 days); later deadlines sit in the last level and are re-cascaded
// until they come into range.
//
//   level 0: slot = tick & 63            one tick per slot, the next 64 ticks
//   level L: slot = (tick >> 6L) & 63    cascaded into lower levels when the
//                                         current tick reaches the slot's start
//
// Each level keeps a 64-bit occupancy bitmap, so the next slot with work is
// one rotate + ctz per level: next_deadline_ns() and skipping idle time in
// advance() never scan slots.
//
// The shard loop calls advance(now) once per pass and sleeps in the kernel at
// most until next_deadline_ns(). A timer fires in the first advance(now) with
// now >= its deadline (never earlier, and with no tick of lateness beyond the
// caller's own), except that a timer armed by a callback for a deadline that
// is already due fires on the next advance() (so a callback re-arming itself
// "now" cannot loop forever). Timers due in the same tick fire in no
// particular order; timers in different ticks fire in tick order.
//
// Threads: not thread-safe; owned and touched by one shard thread only.
// Ownership: the wheel links armed Timers but does not own them; their owners
// cancel them before destroying them. The wheel's destructor disarms any
// timers still armed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/Timer.h"

namespace ptnet {

class TimerWheel {
 public:
  static constexpr unsigned kLevels = 6;
  static constexpr unsigned kSlotBits = 6;
  static constexpr unsigned kSlots = 1u << kSlotBits;

  explicit TimerWheel(uint64_t now_ns, uint64_t tick_ns = 1'000'000);
  ~TimerWheel();
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;

  // Arms `t` (re-arms it if already armed). A past deadline fires on the next
  // advance(). The timer's callback must be set.
  void schedule(Timer& t, uint64_t deadline_ns);
  // No-op if `t` is not armed.
  void cancel(Timer& t);
  // Fires every timer with deadline <= now_ns; returns how many fired.
  // Callbacks may schedule or cancel any timer, themselves included, and may
  // cancel timers due in this same advance (they then do not fire).
  size_t advance(uint64_t now_ns);
  // When advance() next has work: UINT64_MAX when empty. May be earlier than
  // the earliest deadline (an upper level's cascade point, or a cancelled
  // timer's deadline), never later. O(kLevels).
  uint64_t next_deadline_ns() const;

  size_t size() const { return size_; }
  uint64_t tick_ns() const { return tick_ns_; }

 private:
  // Links `t` for expiry tick `e` (a past tick means cur_tick_), placed
  // relative to cur_tick_.
  void link(Timer& t, uint64_t e);
  void unlink(Timer& t);
  // Fires the due timers of the current level-0 slot; re-links the others.
  size_t run_current(uint64_t now_ns);
  // Redistributes the upper-level slots that start at tick `tick` (== cur_tick_).
  void cascade(uint64_t tick);
  // Earliest tick > cur_tick_ at which a level-0 slot fires or an upper slot
  // cascades; UINT64_MAX when there is none.
  uint64_t next_event_tick() const;
  static void disarm_all(Timer* head);

  Timer* slots_[kLevels][kSlots] = {};
  uint64_t occupied_[kLevels] = {};  // bit s <=> slots_[level][s] non-empty
  uint64_t tick_ns_;
  static constexpr uint8_t kDeferredLevel = kLevels;  // Timer::level_ of timers on deferred_

  uint64_t cur_tick_;  // tick of the last advance(); its level-0 slot may hold timers not yet due
  uint64_t advance_now_ = 0;  // `now` of the advance() in progress
  Timer* deferred_ = nullptr;  // armed by callbacks for a deadline <= advance_now_
  uint64_t pending_min_ = UINT64_MAX;  // <= every deadline in the current level-0 slot
  size_t size_ = 0;
  bool advancing_ = false;  // inside advance(): callbacks may be running
};

}  // namespace ptnet
