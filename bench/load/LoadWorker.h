// One worker of the load generator: a ShardService on its own shard of a
// core::Engine (pinned thread, io::Backend, timer wheel), made of a
// connection kind `Link` (TcpLink; later a reliable-UDP or ENet client)
// and a traffic pattern `Traffic` (EchoTraffic, IdleTraffic, RoomTraffic).
// This class is only the glue between the two and the run:
//
//   first completion of a pass   read the run phase, follow the progress epoch
//   each completion              Link::dispatch -> Traffic::on_message ...
//   before_wait (once a pass)    connects due, setup done?, traffic start,
//                                open-loop pacing, Link::flush (one send per
//                                connection), publish counters, arm the wake
//                                timer for the next due message or connect
//   tick timer (10 ms)           Traffic::on_tick (handshake deadlines,
//                                heartbeats); bounds how late a phase change
//                                is seen when nothing else happens
//   stop                         Traffic::finish (stall checks), publish; then
//                                every socket is shut down and the shard waits
//                                until the kernel has returned its operations
//
// The Traffic concept, besides what the Link calls (TcpLink.h):
//   Traffic(WorkerContext&, LinkPort&)
//   TrafficShape shape() const
//   bool setup_done(bool connects_finished) const   every connection usable or failed
//   bool start(uint64_t now)        traffic may flow; false: not yet, ask again
//   void pace(uint64_t now)         queue what the schedule has due by now
//   uint64_t next_due_ns() const    when pace() next has work (UINT64_MAX: none)
//   void on_tick(uint64_t now)
//   void finish(uint64_t now)
//   void publish()                  counters to WorkerStats
//
// Threads: created by the engine's service factory on the shard's thread
// and called only there.
// Ownership: owns its context, link and traffic; its timers are on the
// shard's wheel (cancelled in the destructor).
#pragma once

#include <sys/prctl.h>

#include <algorithm>
#include <cstdint>

#include "base/Clock.h"
#include "bench/load/RunControl.h"
#include "bench/load/WorkerConfig.h"
#include "bench/load/WorkerContext.h"
#include "bench/load/WorkerStats.h"
#include "core/Shard.h"
#include "core/ShardService.h"
#include "core/Timer.h"
#include "io/Completion.h"

namespace ptnet::load {

template <class Link, class Traffic>
class LoadWorker final : public ShardService {
 public:
  LoadWorker(const WorkerConfig& cfg, const RunControl& ctl, WorkerStats& stats)
      : ctx_(cfg, ctl, stats), link_(ctx_), traffic_(ctx_, link_) {}
  ~LoadWorker() override {
    if (shard_ == nullptr) return;
    shard_->timers().cancel(tick_);
    shard_->timers().cancel(wake_);
  }

  int start(Shard& shard) override {
    shard_ = &shard;
    prctl(PR_SET_TIMERSLACK, 1ul, 0ul, 0ul, 0ul);  // short timed waits (pacing) are honoured
    ctx_.sync();
    const int err = link_.start(shard, traffic_.shape(), shard.now_ns());
    if (err != 0) return err;
    for (const uint8_t op : Link::kOps) shard.on_completion(op, &LoadWorker::on_completion, this);
    tick_.set(&LoadWorker::on_tick, this);
    wake_.set([](Timer&, uint64_t) {}, this);  // only wakes the loop: before_wait does the work
    shard.timers().schedule(tick_, shard.now_ns() + kTickNs);
    return 0;
  }

  void before_wait(Shard& shard) override {
    if (stopping_) return;
    const uint64_t now = monotonic_ns();
    pass_ns_ = shard.now_ns();
    ctx_.sync();
    if (!link_.connects_finished()) link_.pump(now, traffic_);
    if (!setup_done_ && traffic_.setup_done(link_.connects_finished())) report_setup_done();
    if (!started_ && setup_done_ && ctx_.phase() >= RunControl::Phase::kWarmup) started_ = traffic_.start(now);
    if (started_) traffic_.pace(now);
    link_.flush(traffic_, now);
    traffic_.publish();
    ctx_.publish();
    arm_wake(shard, now);
  }

  void stop_accepting(Shard&) override {
    stopping_ = true;
    traffic_.finish(monotonic_ns());
    traffic_.publish();
    ctx_.publish();
  }
  void close_all(Shard&) override { link_.shutdown_all(); }
  bool closed(const Shard&) const override { return link_.quiet(); }

 private:
  static constexpr uint64_t kTickNs = 10'000'000;
  static constexpr uint64_t kSpinNs = 100'000;  // pacing: poll, don't sleep, below this

  static void on_completion(void* self, const io::Completion& c) {
    auto& w = *static_cast<LoadWorker*>(self);
    if (w.shard_->now_ns() != w.pass_ns_) {  // first completion of this pass
      w.pass_ns_ = w.shard_->now_ns();
      w.ctx_.sync();
    }
    w.link_.dispatch(c, w.traffic_, w.stopping_);
  }

  static void on_tick(Timer& t, uint64_t now) {
    auto& w = *static_cast<LoadWorker*>(t.ctx());
    if (!w.stopping_) w.traffic_.on_tick(now);
    w.shard_->timers().schedule(t, now + kTickNs);
  }

  void report_setup_done() {
    setup_done_ = true;
    traffic_.publish();
    ctx_.publish();
    ctx_.report_setup_done();
  }

  // Wakes the loop when the next message or connect is due: exactly then,
  // or, when that is less than kSpinNs away, by polling (a deadline already
  // past), since sleeping and waking costs more than the gap and overshoots.
  void arm_wake(Shard& shard, uint64_t now) {
    uint64_t due = started_ ? traffic_.next_due_ns() : UINT64_MAX;
    if (!link_.connects_finished()) due = std::min(due, link_.next_connect_event_ns());
    if (due == UINT64_MAX) {
      shard.timers().cancel(wake_);
    } else {
      shard.timers().schedule(wake_, due > now + kSpinNs ? due : shard.now_ns());
    }
  }

  WorkerContext ctx_;
  Link link_;
  Traffic traffic_;
  Shard* shard_ = nullptr;
  Timer tick_;
  Timer wake_;
  uint64_t pass_ns_ = 0;  // the shard's now_ns() of the pass last synced
  bool setup_done_ = false;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace ptnet::load
