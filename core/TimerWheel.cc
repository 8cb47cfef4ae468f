#include "core/TimerWheel.h"

#include <bit>

namespace ptnet {

namespace {

constexpr uint64_t kSlotMask = TimerWheel::kSlots - 1;
// Largest distance (in ticks) the wheel can place directly.
constexpr uint64_t kMaxDelta = (uint64_t(1) << (TimerWheel::kLevels * TimerWheel::kSlotBits)) - 1;

constexpr unsigned shift_of(unsigned level) { return level * TimerWheel::kSlotBits; }

// Distance (1..64) from slot index `i` to the next set bit of `bm` after it,
// wrapping around; 64 means `i` itself. `bm` must be non-zero.
inline unsigned slots_ahead(uint64_t bm, unsigned i) {
  return unsigned(std::countr_zero(std::rotr(bm, int((i + 1) & kSlotMask)))) + 1;
}

}  // namespace

TimerWheel::TimerWheel(uint64_t now_ns, uint64_t tick_ns)
    : tick_ns_(tick_ns), cur_tick_(now_ns / tick_ns) {
  PTNET_ASSERT(tick_ns != 0);
}

void TimerWheel::disarm_all(Timer* head) {
  while (head != nullptr) {
    Timer* next = head->next_;
    head->next_ = nullptr;
    head->pprev_ = nullptr;
    head = next;
  }
}

TimerWheel::~TimerWheel() {
  for (auto& level : slots_) {
    for (Timer* head : level) disarm_all(head);
  }
  disarm_all(deferred_);
}

void TimerWheel::schedule(Timer& t, uint64_t deadline_ns) {
  PTNET_ASSERT(t.cb_ != nullptr);
  if (t.armed()) {
    unlink(t);
  } else {
    ++size_;
  }
  t.deadline_ = deadline_ns;
  if (PTNET_UNLIKELY(advancing_ && deadline_ns <= advance_now_)) {
    // Armed by a callback for a deadline already due: hold it back until
    // this advance() ends, so it fires on the next one.
    t.next_ = deferred_;
    if (deferred_ != nullptr) deferred_->pprev_ = &t.next_;
    deferred_ = &t;
    t.pprev_ = &deferred_;
    t.level_ = kDeferredLevel;
    return;
  }
  link(t, deadline_ns / tick_ns_);
}

void TimerWheel::cancel(Timer& t) {
  if (!t.armed()) return;
  unlink(t);
  --size_;
}

void TimerWheel::link(Timer& t, uint64_t e) {
  if (e < cur_tick_) e = cur_tick_;  // past deadlines go to the current slot
  uint64_t delta = e - cur_tick_;
  unsigned level = 0;
  if (delta >= kSlots) {
    if (delta > kMaxDelta) {  // out of range: park in the last level, re-cascade later
      delta = kMaxDelta;
      e = cur_tick_ + kMaxDelta;
    }
    level = unsigned(std::bit_width(delta) - 1) / kSlotBits;
  } else if (e == cur_tick_ && t.deadline_ < pending_min_) {
    pending_min_ = t.deadline_;
  }
  const unsigned slot = unsigned(e >> shift_of(level)) & kSlotMask;
  Timer*& head = slots_[level][slot];
  t.next_ = head;
  if (head != nullptr) head->pprev_ = &t.next_;
  head = &t;
  t.pprev_ = &head;
  t.level_ = uint8_t(level);
  t.slot_ = uint8_t(slot);
  occupied_[level] |= uint64_t(1) << slot;
}

void TimerWheel::unlink(Timer& t) {
  *t.pprev_ = t.next_;
  if (t.next_ != nullptr) t.next_->pprev_ = t.pprev_;
  t.next_ = nullptr;
  t.pprev_ = nullptr;
  // The timer may sit on run_current()'s detached list rather than in its
  // slot; either way the bit must say whether the slot itself is non-empty.
  if (t.level_ != kDeferredLevel && slots_[t.level_][t.slot_] == nullptr) {
    occupied_[t.level_] &= ~(uint64_t(1) << t.slot_);
  }
}

size_t TimerWheel::run_current(uint64_t now_ns) {
  pending_min_ = UINT64_MAX;
  const unsigned slot = unsigned(cur_tick_) & kSlotMask;
  const uint64_t bit = uint64_t(1) << slot;
  if ((occupied_[0] & bit) == 0) return 0;
  // Detach the slot so that timers armed by callbacks for this same tick wait
  // for the next advance(). Callbacks may still cancel timers on `due`: the
  // back pointers make unlink() work on it.
  Timer* due = slots_[0][slot];
  slots_[0][slot] = nullptr;
  occupied_[0] &= ~bit;
  due->pprev_ = &due;
  size_t fired = 0;
  while (due != nullptr) {
    Timer& t = *due;
    unlink(t);
    if (t.deadline_ <= now_ns) {
      --size_;
      ++fired;
      t.cb_(t, now_ns);
    } else {
      link(t, cur_tick_);  // later in this tick
    }
  }
  return fired;
}

void TimerWheel::cascade(uint64_t tick) {
  unsigned top = 0;
  while (top + 1 < kLevels && (tick & ((uint64_t(1) << shift_of(top + 1)) - 1)) == 0) ++top;
  for (unsigned level = top; level >= 1; --level) {
    const unsigned slot = unsigned(tick >> shift_of(level)) & kSlotMask;
    Timer* list = slots_[level][slot];
    if (list == nullptr) continue;
    slots_[level][slot] = nullptr;
    occupied_[level] &= ~(uint64_t(1) << slot);
    while (list != nullptr) {
      Timer& t = *list;
      list = t.next_;
      link(t, t.deadline_ / tick_ns_);
    }
  }
}

uint64_t TimerWheel::next_event_tick() const {
  uint64_t best = UINT64_MAX;
  const unsigned i0 = unsigned(cur_tick_) & kSlotMask;
  const uint64_t bm0 = occupied_[0] & ~(uint64_t(1) << i0);
  if (bm0 != 0) best = cur_tick_ + slots_ahead(bm0, i0);
  for (unsigned level = 1; level < kLevels; ++level) {
    const uint64_t bm = occupied_[level];
    if (bm == 0) continue;
    const uint64_t block = cur_tick_ >> shift_of(level);
    const uint64_t at = (block + slots_ahead(bm, unsigned(block) & kSlotMask)) << shift_of(level);
    if (at < best) best = at;
  }
  return best;
}

size_t TimerWheel::advance(uint64_t now_ns) {
  uint64_t target = now_ns / tick_ns_;
  if (target < cur_tick_) target = cur_tick_;  // the clock never runs backwards here
  advance_now_ = now_ns;
  advancing_ = true;
  size_t fired = 0;
  for (;;) {
    fired += run_current(now_ns);
    if (cur_tick_ == target) break;
    const uint64_t next = next_event_tick();
    if (next > target) {  // nothing happens in between: jump
      cur_tick_ = target;
      break;
    }
    cur_tick_ = next;
    cascade(next);
  }
  advancing_ = false;
  while (deferred_ != nullptr) {  // due now: into the current slot
    Timer& t = *deferred_;
    unlink(t);
    link(t, cur_tick_);
  }
  return fired;
}

uint64_t TimerWheel::next_deadline_ns() const {
  if (size_ == 0) return UINT64_MAX;
  if (occupied_[0] & (uint64_t(1) << (unsigned(cur_tick_) & kSlotMask))) return pending_min_;
  const uint64_t tick = next_event_tick();
  return tick == UINT64_MAX ? UINT64_MAX : tick * tick_ns_;
}

}  // namespace ptnet
