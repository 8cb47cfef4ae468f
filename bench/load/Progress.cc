#include "bench/load/Progress.h"

#include <ctime>

#include "base/Clock.h"
#include "bench/load/Report.h"

namespace ptnet::load {

uint64_t Progress::messages() const {
  return fleet_.sum(opts_.game() ? &WorkerStats::sent_total : &WorkerStats::msgs_total);
}

void Progress::restart(uint64_t now_ns) {
  last_tick_ns_ = now_ns;
  last_msgs_ = messages();
  last_deliveries_ = opts_.game() ? fleet_.sum(&WorkerStats::deliveries_total) : 0;
}

void Progress::tick(const char* label, bool print) {
  const uint64_t now = monotonic_ns();
  const double secs = double(now - last_tick_ns_) / 1e9;
  last_tick_ns_ = now;
  const uint64_t msgs = messages();
  const uint64_t delta = msgs - last_msgs_;
  last_msgs_ = msgs;
  const uint64_t deliveries = opts_.game() ? fleet_.sum(&WorkerStats::deliveries_total) : 0;
  const uint64_t delta_deliveries = deliveries - last_deliveries_;
  last_deliveries_ = deliveries;
  ++epoch_;
  ctl_.progress_epoch.store(epoch_, std::memory_order_release);
  scratch_.reset();
  const uint64_t backlog = fleet_.sum(&WorkerStats::backlog);
  if (opts_.quiet || !print) return;
  merge_finished_slots();
  if (opts_.game())
    Report::progress_game(label, secs, delta, delta_deliveries, scratch_, fleet_.errors(), backlog);
  else
    Report::progress_echo(label, secs, delta, opts_.frame_bytes(), scratch_, fleet_.errors(), backlog);
}

void Progress::merge_finished_slots() {
  // Each worker acknowledges the new epoch on its next loop pass (at most a
  // tick, 10 ms, when idle); then the previous slot is no longer written.
  const uint64_t give_up = monotonic_ns() + 100'000'000;
  for (const auto& s : fleet_.stats()) {
    while (s->progress_ack.load(std::memory_order_acquire) != epoch_ && monotonic_ns() < give_up) {
      timespec ts{0, 50'000};
      nanosleep(&ts, nullptr);
    }
    if (s->progress_ack.load(std::memory_order_acquire) == epoch_) scratch_.merge(s->progress[(epoch_ - 1) & 1]);
  }
}

}  // namespace ptnet::load
