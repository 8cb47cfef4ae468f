// TimerWheel: firing never early and never missed, ordering, cancel,
// re-arming from callbacks, cascading of long deadlines, next_deadline_ns().
#include "core/TimerWheel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace ptnet {
namespace {

constexpr uint64_t kUs = 1'000;
constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kSec = 1'000 * kMs;
constexpr uint64_t kMin = 60 * kSec;
constexpr uint64_t kHour = 60 * kMin;
constexpr uint64_t kStart = 1'234'567'891'234ull;  // not tick-aligned on purpose

// A timer that records when it fired.
struct Probe {
  Timer timer{&Probe::on_fire, this};
  int fired = 0;
  uint64_t fired_at = 0;
  uint64_t deadline_when_fired = 0;
  std::vector<int>* log = nullptr;
  int id = 0;

  static void on_fire(Timer& t, uint64_t now) {
    auto* p = static_cast<Probe*>(t.ctx());
    ++p->fired;
    p->fired_at = now;
    p->deadline_when_fired = t.deadline_ns();
    if (p->log != nullptr) p->log->push_back(p->id);
  }
};

TEST(TimerWheel, FiresAtItsDeadlineAndNotBefore) {
  Probe p;
  TimerWheel w(kStart);
  const uint64_t deadline = kStart + 5 * kMs + 300 * kUs;
  w.schedule(p.timer, deadline);
  EXPECT_TRUE(p.timer.armed());
  EXPECT_EQ(w.advance(kStart + 5 * kMs), 0u);
  EXPECT_EQ(w.advance(deadline - 1), 0u);
  EXPECT_EQ(p.fired, 0);
  EXPECT_EQ(w.advance(deadline), 1u);
  EXPECT_EQ(p.fired, 1);
  EXPECT_EQ(p.fired_at, deadline);
  EXPECT_FALSE(p.timer.armed());
  EXPECT_EQ(w.size(), 0u);
  EXPECT_EQ(w.advance(deadline + kSec), 0u);
  EXPECT_EQ(p.fired, 1);
}

TEST(TimerWheel, FiresInTheFirstAdvancePastItsDeadline) {
  Probe p;
  TimerWheel w(kStart);
  w.schedule(p.timer, kStart + 10 * kMs);
  EXPECT_EQ(w.advance(kStart + 500 * kMs), 1u);  // one big step over the deadline
  EXPECT_EQ(p.fired, 1);
}

TEST(TimerWheel, TimersInDifferentTicksFireInDeadlineOrder) {
  std::vector<int> log;
  std::vector<std::unique_ptr<Probe>> probes;
  TimerWheel w(kStart);
  const uint64_t offsets_ms[] = {70, 3, 5000, 64, 1, 65, 4095, 4097, 200, 2};
  for (int i = 0; i < 10; ++i) {
    probes.push_back(std::make_unique<Probe>());
    probes.back()->log = &log;
    probes.back()->id = int(offsets_ms[i]);
    w.schedule(probes.back()->timer, kStart + offsets_ms[i] * kMs);
  }
  EXPECT_EQ(w.advance(kStart + 10 * kSec), 10u);
  const std::vector<int> expected = {1, 2, 3, 64, 65, 70, 200, 4095, 4097, 5000};
  EXPECT_EQ(log, expected);
}

TEST(TimerWheel, CancelledTimerDoesNotFire) {
  Probe a, b;
  TimerWheel w(kStart);
  w.schedule(a.timer, kStart + 10 * kMs);
  w.schedule(b.timer, kStart + 10 * kMs);
  EXPECT_EQ(w.size(), 2u);
  w.cancel(a.timer);
  EXPECT_FALSE(a.timer.armed());
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.advance(kStart + kSec), 1u);
  EXPECT_EQ(a.fired, 0);
  EXPECT_EQ(b.fired, 1);
}

TEST(TimerWheel, CancelOfAnUnarmedTimerIsANoOp) {
  Probe a;
  TimerWheel w(kStart);
  w.cancel(a.timer);
  EXPECT_EQ(w.size(), 0u);
  w.schedule(a.timer, kStart + kMs);
  w.advance(kStart + kMs);
  w.cancel(a.timer);  // already fired
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, RescheduleMovesTheDeadlineLater) {
  Probe p;
  TimerWheel w(kStart);
  w.schedule(p.timer, kStart + 10 * kMs);
  w.schedule(p.timer, kStart + 2 * kSec);
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.advance(kStart + 2 * kSec - 1), 0u);
  EXPECT_EQ(w.advance(kStart + 2 * kSec), 1u);
  EXPECT_EQ(p.fired, 1);
}

TEST(TimerWheel, RescheduleMovesTheDeadlineEarlier) {
  Probe p;
  TimerWheel w(kStart);
  w.schedule(p.timer, kStart + kHour);
  w.schedule(p.timer, kStart + 3 * kMs);
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.advance(kStart + 3 * kMs), 1u);
  EXPECT_EQ(w.advance(kStart + 2 * kHour), 0u);
  EXPECT_EQ(p.fired, 1);
}

TEST(TimerWheel, PastDeadlineFiresOnTheNextAdvance) {
  Probe p;
  TimerWheel w(kStart);
  w.advance(kStart + kSec);
  w.schedule(p.timer, kStart);  // a second ago
  EXPECT_LE(w.next_deadline_ns(), kStart + kSec);
  EXPECT_EQ(w.advance(kStart + kSec), 1u);
  EXPECT_EQ(p.fired, 1);
}

TEST(TimerWheel, DeadlineLaterInTheCurrentTickWaitsForIt) {
  Probe p;
  TimerWheel w(kStart);
  const uint64_t tick_start = (kStart / kMs + 1) * kMs;
  w.advance(tick_start + 100 * kUs);
  w.schedule(p.timer, tick_start + 700 * kUs);
  EXPECT_EQ(w.next_deadline_ns(), tick_start + 700 * kUs);
  EXPECT_EQ(w.advance(tick_start + 699 * kUs), 0u);
  EXPECT_LE(w.next_deadline_ns(), tick_start + 700 * kUs);
  EXPECT_EQ(w.advance(tick_start + 700 * kUs), 1u);
}

struct Periodic {
  Timer timer{&Periodic::on_fire, this};
  TimerWheel* wheel = nullptr;
  uint64_t period = 0;
  int fired = 0;
  int limit = 1 << 30;
  static void on_fire(Timer& t, uint64_t now) {
    auto* p = static_cast<Periodic*>(t.ctx());
    ++p->fired;
    if (p->fired < p->limit) p->wheel->schedule(t, now + p->period);
  }
};

TEST(TimerWheel, CallbackReschedulingItselfFiresPeriodically) {
  Periodic p;
  TimerWheel w(kStart);
  p.wheel = &w;
  p.period = 10 * kMs;
  w.schedule(p.timer, kStart + p.period);
  for (uint64_t t = kStart; t <= kStart + 100 * kMs; t += kMs) w.advance(t);
  EXPECT_EQ(p.fired, 10);
  EXPECT_TRUE(p.timer.armed());
  w.cancel(p.timer);
}

TEST(TimerWheel, CallbackReschedulingItselfForNowWaitsForTheNextAdvance) {
  struct Again {
    static void on_fire(Timer& t, uint64_t now) {
      auto* w = static_cast<TimerWheel*>(t.ctx());
      w->schedule(t, now);  // due immediately: must not fire again in this advance
    }
  };
  TimerWheel w(kStart);
  Timer t(&Again::on_fire, &w);
  w.schedule(t, kStart + kMs);
  EXPECT_EQ(w.advance(kStart + 5 * kMs), 1u);
  EXPECT_TRUE(t.armed());
  EXPECT_LE(w.next_deadline_ns(), kStart + 5 * kMs);
  EXPECT_EQ(w.advance(kStart + 5 * kMs), 1u);
  EXPECT_EQ(w.advance(kStart + 6 * kMs), 1u);
  w.cancel(t);
}

TEST(TimerWheel, CallbackCanCancelATimerDueInTheSameAdvance) {
  struct Canceller {
    static void on_fire(Timer& t, uint64_t) {
      auto* pair = static_cast<std::pair<TimerWheel*, Timer*>*>(t.ctx());
      pair->first->cancel(*pair->second);
    }
  };
  Probe victim;
  TimerWheel w(kStart);
  std::pair<TimerWheel*, Timer*> ctx{&w, &victim.timer};
  Timer killer(&Canceller::on_fire, &ctx);
  w.schedule(killer, kStart + 5 * kMs);
  w.schedule(victim.timer, kStart + 9 * kMs);
  EXPECT_EQ(w.advance(kStart + 20 * kMs), 1u);
  EXPECT_EQ(victim.fired, 0);
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, TimersInTheSameTickCancellingEachOtherFireOnce) {
  struct Canceller {
    static void on_fire(Timer& t, uint64_t) {
      auto* pair = static_cast<std::pair<TimerWheel*, Timer*>*>(t.ctx());
      pair->first->cancel(*pair->second);
    }
  };
  Timer a, b;
  TimerWheel w(kStart);
  std::pair<TimerWheel*, Timer*> ctx_a{&w, &b}, ctx_b{&w, &a};
  a.set(&Canceller::on_fire, &ctx_a);
  b.set(&Canceller::on_fire, &ctx_b);
  const uint64_t deadline = (kStart / kMs + 3) * kMs;
  w.schedule(a, deadline);
  w.schedule(b, deadline + 10 * kUs);
  EXPECT_EQ(w.advance(deadline + kMs), 1u);
  EXPECT_FALSE(a.armed());
  EXPECT_FALSE(b.armed());
}

TEST(TimerWheel, CallbackCanArmAnotherTimerDueInTheSameAdvance) {
  struct Arm {
    static void on_fire(Timer& t, uint64_t now) {
      auto* pair = static_cast<std::pair<TimerWheel*, Timer*>*>(t.ctx());
      pair->first->schedule(*pair->second, now + 2 * kMs);
    }
  };
  Probe later;
  TimerWheel w(kStart);
  std::pair<TimerWheel*, Timer*> ctx{&w, &later.timer};
  Timer first(&Arm::on_fire, &ctx);
  w.schedule(first, kStart + kMs);
  EXPECT_EQ(w.advance(kStart + 10 * kMs), 1u);
  EXPECT_EQ(later.fired, 0);  // its deadline is now + 2 ms
  EXPECT_EQ(w.advance(kStart + 12 * kMs - 1), 0u);
  EXPECT_EQ(w.advance(kStart + 12 * kMs), 1u);
  EXPECT_EQ(later.fired, 1);
}

TEST(TimerWheel, LongDeadlinesCascadeWithIrregularAdvances) {
  const uint64_t deadlines[] = {
      kStart + 90 * kSec,         kStart + 7 * kMin + 13 * kMs, kStart + 59 * kMin + 59 * kSec,
      kStart + 3 * kHour + 1,     kStart + 26 * kHour,          kStart + 5 * 24 * kHour + 17 * kMs,
      kStart + 900 * 24 * kHour,  // beyond the wheel's range: parked and re-cascaded
  };
  constexpr size_t n = sizeof deadlines / sizeof deadlines[0];
  Probe probes[n];
  TimerWheel w(kStart);
  for (size_t i = 0; i < n; ++i) w.schedule(probes[i].timer, deadlines[i]);
  std::mt19937_64 rng(7);
  uint64_t now = kStart;
  const uint64_t end = deadlines[n - 1] + kSec;
  while (now < end) {
    // Irregular: tiny steps, medium ones and huge jumps.
    const uint64_t choice = rng() % 10;
    uint64_t step = choice < 5 ? rng() % (3 * kMs) : choice < 8 ? rng() % (40 * kSec) : rng() % (20 * kHour);
    now += step;
    w.advance(now);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(probes[i].fired, deadlines[i] <= now ? 1 : 0) << "timer " << i << " at now=" << now;
      if (probes[i].fired) {
        ASSERT_GE(probes[i].fired_at, deadlines[i]);
      }
    }
  }
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, NextDeadlineIsMaxWhenEmpty) {
  Probe p;
  TimerWheel w(kStart);
  EXPECT_EQ(w.next_deadline_ns(), UINT64_MAX);
  w.schedule(p.timer, kStart + kSec);
  EXPECT_LE(w.next_deadline_ns(), kStart + kSec);
  EXPECT_GT(w.next_deadline_ns(), kStart);
  w.cancel(p.timer);
  EXPECT_EQ(w.next_deadline_ns(), UINT64_MAX);
}

TEST(TimerWheel, NextDeadlineOfANearTimerIsItsTick) {
  Probe p;
  TimerWheel w(kStart);
  const uint64_t deadline = kStart + 20 * kMs + 400 * kUs;
  w.schedule(p.timer, deadline);
  EXPECT_LE(w.next_deadline_ns(), deadline);
  EXPECT_GT(w.next_deadline_ns(), deadline - kMs);  // within one tick: no early wake-ups
}

TEST(TimerWheel, DrivenByNextDeadlineTheLoopFiresEveryTimerWithoutSpinning) {
  // A shard loop: sleep until next_deadline_ns(), advance, repeat.
  std::vector<std::unique_ptr<Probe>> probes;
  TimerWheel w(kStart);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200; ++i) {
    probes.push_back(std::make_unique<Probe>());
    w.schedule(probes.back()->timer, kStart + rng() % (2 * kHour));
  }
  size_t passes = 0;
  uint64_t now = kStart;
  while (w.size() != 0) {
    const uint64_t next = w.next_deadline_ns();
    ASSERT_NE(next, UINT64_MAX);
    now = std::max(now, next);
    w.advance(now);
    ++passes;
    ASSERT_LT(passes, 10'000u);
  }
  for (auto& p : probes) {
    EXPECT_EQ(p->fired, 1);
    EXPECT_GE(p->fired_at, p->deadline_when_fired);
    EXPECT_LT(p->fired_at - p->deadline_when_fired, kMs);  // at most a tick late
  }
}

// Randomised property test: thousands of timers with deadlines from
// milliseconds to days, random cancels and re-arms, irregular advances.
// After every operation next_deadline_ns() is never later than the earliest
// armed deadline, and after every advance(now) exactly the timers with
// deadline <= now have fired, each once, none early.
TEST(TimerWheel, RandomisedScheduleCancelAdvanceKeepsAllInvariants) {
  struct Rec {
    Timer timer;
    bool armed = false;
    uint64_t deadline = 0;
    int fired = 0;
    bool early = false;
  };
  struct Fire {
    static void on_fire(Timer& t, uint64_t now) {
      auto* r = static_cast<Rec*>(t.ctx());
      ++r->fired;
      r->early |= now < r->deadline || !r->armed;
      r->armed = false;
    }
  };
  constexpr size_t kTimers = 4000;
  std::mt19937_64 rng(12345);
  uint64_t now = kStart;
  std::vector<std::unique_ptr<Rec>> recs;
  TimerWheel w(now);
  for (size_t i = 0; i < kTimers; ++i) {
    recs.push_back(std::make_unique<Rec>());
    recs.back()->timer.set(&Fire::on_fire, recs.back().get());
  }
  auto random_delay = [&] {
    switch (rng() % 5) {
      case 0: return rng() % (5 * kMs);
      case 1: return rng() % kSec;
      case 2: return rng() % (10 * kMin);
      case 3: return rng() % (3 * kHour);
      default: return rng() % (4 * 24 * kHour);
    }
  };
  auto check_next_deadline = [&] {
    uint64_t earliest = UINT64_MAX;
    size_t armed = 0;
    for (auto& r : recs) {
      if (r->armed) {
        earliest = std::min(earliest, r->deadline);
        ++armed;
      }
    }
    ASSERT_EQ(w.size(), armed);
    ASSERT_LE(w.next_deadline_ns(), earliest);
    if (armed == 0) {
      ASSERT_EQ(w.next_deadline_ns(), UINT64_MAX);
    }
  };
  auto arm = [&](Rec& r, uint64_t deadline) {
    w.schedule(r.timer, deadline);
    r.armed = true;
    r.deadline = deadline;
  };
  for (auto& r : recs) arm(*r, now + random_delay());
  check_next_deadline();

  for (int step = 0; step < 3000; ++step) {
    // A few random cancels and re-arms (some in the past).
    for (int k = 0; k < 3; ++k) {
      Rec& r = *recs[rng() % kTimers];
      switch (rng() % 3) {
        case 0:
          w.cancel(r.timer);
          r.armed = false;
          break;
        case 1: arm(r, now + random_delay()); break;
        default: arm(r, now - std::min<uint64_t>(now - kStart, rng() % (3 * kMs))); break;
      }
    }
    check_next_deadline();
    // Irregular advance: to just before/at/after the next deadline, or a random step.
    const uint64_t next = w.next_deadline_ns();
    switch (rng() % 4) {
      case 0: now += rng() % (2 * kMs); break;
      case 1: now += rng() % (30 * kMin); break;
      default:
        if (next != UINT64_MAX && next > now) now = next - 1 + rng() % 3;
        break;
    }
    std::vector<int> fired_before(kTimers);
    for (size_t i = 0; i < kTimers; ++i) fired_before[i] = recs[i]->fired;
    std::vector<bool> due(kTimers);
    for (size_t i = 0; i < kTimers; ++i) due[i] = recs[i]->armed && recs[i]->deadline <= now;
    w.advance(now);
    for (size_t i = 0; i < kTimers; ++i) {
      const Rec& r = *recs[i];
      ASSERT_FALSE(r.early) << "timer " << i << " fired early or while disarmed";
      ASSERT_EQ(r.fired - fired_before[i], due[i] ? 1 : 0) << "timer " << i << " step " << step;
    }
    check_next_deadline();
  }
  size_t total_fired = 0;
  for (auto& r : recs) total_fired += size_t(r->fired);
  EXPECT_GT(total_fired, kTimers / 2);  // the walk really went through most deadlines
}

TEST(TimerWheel, DestroyingTheWheelDisarmsItsTimers) {
  Probe p;
  {
    TimerWheel w(kStart);
    w.schedule(p.timer, kStart + kHour);
  }
  EXPECT_FALSE(p.timer.armed());
}

}  // namespace
}  // namespace ptnet
