#include "core/Shard.h"

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/Clock.h"
#include "core/Engine.h"
#include "base/Log.h"
#include "io/UserData.h"

namespace ptnet {

namespace {
constexpr int kCompletionBatch = 256;
constexpr int64_t kStopPollNs = 10'000'000;     // loop period while stopping
constexpr uint64_t kCloseBudgetNs = 1'000'000'000;
}  // namespace

Shard::Shard(Engine& engine, uint32_t id, int cpu) : engine_(engine), id_(id), cpu_(cpu) {}

Shard::~Shard() = default;

size_t Shard::shard_count() const { return engine_.shard_count(); }

void Shard::on_completion(uint8_t op, CompletionFn fn, void* ctx) {
  assert_owner();
  PTNET_ASSERT(op >= io::kFirstServiceOp);
  routes_[op] = Route{fn, ctx};
}

void Shard::on_before_sleep(PassHook fn, void* ctx) {
  assert_owner();
  before_sleep_.push_back(Hook{fn, ctx});
}

void Shard::remove_before_sleep(void* ctx) {
  assert_owner();
  for (size_t i = 0; i < before_sleep_.size(); ++i)
    if (before_sleep_[i].ctx == ctx) before_sleep_.erase(before_sleep_.begin() + ptrdiff_t(i--));
}

void Shard::add_service(std::unique_ptr<ShardService> service) {
  assert_owner();
  services_.push_back(std::move(service));
}

bool Shard::post(uint32_t target, const ShardMessage& msg) {
  assert_owner();
  PTNET_ASSERT(target < engine_.shard_count());
  if (PTNET_UNLIKELY(!engine_.mailbox(id_, target).try_push(msg))) {
    counters_.add(Counter::MailboxFull);
    return false;
  }
  if (target != id_) {
    // Pairs with the fence in loop(): either the target sees our message
    // when it re-checks its mailboxes, or we see it sleeping and wake it.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    Shard& t = engine_.shard(target);
    if (t.sleeping_.load(std::memory_order_relaxed) &&
        t.sleeping_.exchange(false, std::memory_order_acq_rel))
      backend_->wake(*t.backend_);
  }
  return true;
}

void Shard::request_stop() {
  stop_requested_.store(true);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (backend_) backend_->notify();
}

int Shard::setup() {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu_, &set);
  int err = pthread_setaffinity_np(thread_, sizeof set, &set);
  if (err != 0) {
    PTNET_LOG_ERROR("shard %u: cannot pin to cpu %d: %s", id_, cpu_, std::strerror(err));
    engine_.shard_ready(id_, -err, io::BackendKind::Auto, "", "");
    return -err;
  }
  io::BackendResult made;
  if (engine_.cfg_.backend_factory) {
    made.backend = engine_.cfg_.backend_factory(engine_.cfg_.io);
    if (!made.backend) made.error = -ENODEV;
  } else {
    made = io::make_backend(engine_.cfg_.io);
  }
  const std::string& fallback = made.fallback_reason;
  if (!made.backend) {
    PTNET_LOG_ERROR("shard %u: no I/O backend: %s%s%s", id_, std::strerror(-made.error),
                    fallback.empty() ? "" : "; ", fallback.c_str());
    engine_.shard_ready(id_, made.error, io::BackendKind::Auto, "", fallback);
    return made.error;
  }
  backend_ = std::move(made.backend);
  now_ns_ = monotonic_ns();
  timers_ = std::make_unique<TimerWheel>(now_ns_, engine_.cfg_.timer_tick_ns);
  engine_.factory_(*this);
  for (auto& s : services_) {
    err = s->start(*this);
    if (err < 0) break;
  }
  engine_.shard_ready(id_, err, backend_->kind(), backend_->description(), fallback);
  return err;
}

void Shard::run() {
  thread_ = pthread_self();
  if (setup() == 0) loop();
  // Services release their sockets on the shard's own thread. The backend
  // outlives them (other threads may still notify() it until the engine has
  // joined every shard), so an operation the kernel still holds here - only
  // possible when the close budget ran out or the loop failed - can complete
  // into memory a service has freed; the sockets are closed, so at worst
  // the kernel reads stale bytes towards a socket that is going away.
  services_.clear();
}

size_t Shard::drain_mailboxes() {
  size_t total = 0;
  const size_t n = engine_.shard_count();
  for (uint32_t from = 0; from < n; ++from) {
    total += engine_.mailbox(from, id_).drain([this](ShardMessage& m) { m.fn(*this, m); });
  }
  if (total != 0) counters_.add(Counter::MailboxMessages, total);
  return total;
}

bool Shard::mailboxes_empty() const {
  const size_t n = engine_.shard_count();
  for (uint32_t from = 0; from < n; ++from)
    if (!engine_.mailbox(from, id_).empty()) return false;
  return true;
}

void Shard::dispatch(const io::Completion& c) {
  const Route& r = routes_[io::UserData::op(c.user_data)];
  if (PTNET_LIKELY(r.fn != nullptr)) {
    r.fn(r.ctx, c);
  } else if (c.has_buffer) {
    backend_->release_buffer(c.buf_id);
  }
}

void Shard::advance_stop_phase() {
  switch (phase_) {
    case Phase::Running:
      for (auto& s : services_) s->stop_accepting(*this);
      phase_ = Phase::Draining;
      phase_deadline_ns_ = now_ns_ + engine_.cfg_.shutdown_grace_ns;
      break;
    case Phase::Draining: {
      bool drained = true;
      for (auto& s : services_) drained = drained && s->drained(*this);
      if (drained || now_ns_ >= phase_deadline_ns_) {
        if (!drained) PTNET_LOG_WARN("shard %u: grace period over with output still queued", id_);
        for (auto& s : services_) s->close_all(*this);
        phase_ = Phase::Closing;
        phase_deadline_ns_ = now_ns_ + kCloseBudgetNs;
      }
      break;
    }
    case Phase::Closing: {
      bool closed = true;
      for (auto& s : services_) closed = closed && s->closed(*this);
      if (closed || now_ns_ >= phase_deadline_ns_) phase_ = Phase::Done;
      break;
    }
    case Phase::Done:
      break;
  }
}

void Shard::loop() {
  io::Completion cqes[kCompletionBatch];
  while (phase_ != Phase::Done) {
    timers_->advance(now_ns_);
    drain_mailboxes();
    if (stop_requested_.load(std::memory_order_relaxed)) advance_stop_phase();
    for (auto& s : services_) s->before_wait(*this);
    for (const Hook& h : before_sleep_) h.fn(h.ctx);

    int64_t timeout = -1;
    const uint64_t next = timers_->next_deadline_ns();
    if (next != UINT64_MAX) timeout = next > now_ns_ ? int64_t(next - now_ns_) : 0;
    if (phase_ != Phase::Running && (timeout < 0 || timeout > kStopPollNs)) timeout = kStopPollNs;
    if (timeout != 0) {
      // Release: a poster whose exchange() sees this also sees backend_
      // (set up before this thread first sleeps).
      sleeping_.store(true, std::memory_order_release);
      std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with post()
      if (!mailboxes_empty() || (phase_ == Phase::Running && stop_requested_.load())) timeout = 0;
    }
    const int n = backend_->wait(cqes, kCompletionBatch, timeout);
    sleeping_.store(false, std::memory_order_relaxed);
    now_ns_ = monotonic_ns();
    if (PTNET_UNLIKELY(n < 0)) {
      PTNET_LOG_ERROR("shard %u: backend wait failed: %s; stopping the shard", id_, std::strerror(-n));
      break;
    }
    for (int i = 0; i < n; ++i) dispatch(cqes[i]);
    for (auto& s : services_) s->after_completions(*this);
    counters_.add(Counter::LoopPasses);
  }
}

}  // namespace ptnet
