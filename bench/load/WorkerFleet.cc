#include "bench/load/WorkerFleet.h"

#include <algorithm>

#include "bench/load/MessageWriter.h"
#include "bench/load/WorkerFactory.h"

namespace ptnet::load {

namespace {

// Smallest power of two >= v (at most 2^30): for sizing rings and buffers.
uint32_t pow2_at_least(uint64_t v) {
  uint32_t p = 1;
  while (p < v && p < (1u << 30)) p <<= 1;
  return p;
}

constexpr uint64_t to_ns(double s) { return uint64_t(s * 1e9 + 0.5); }

}  // namespace

WorkerFleet::WorkerFleet(const LoadOptions& opts, const RunControl& ctl) : opts_(opts), ctl_(ctl) {
  for (uint32_t i = 0; i < opts_.threads; ++i) {
    configs_.push_back(worker_config(i));
    stats_.push_back(std::make_unique<WorkerStats>());
  }
}

WorkerFleet::~WorkerFleet() { stop(); }

WorkerConfig WorkerFleet::worker_config(uint32_t i) const {
  const LoadOptions& o = opts_;
  WorkerConfig cfg;
  cfg.index = i;
  cfg.threads = o.threads;
  cfg.addr = o.addr;
  cfg.first_conn = uint32_t(uint64_t(o.conns) * i / o.threads);
  cfg.conns = uint32_t(uint64_t(o.conns) * (i + 1) / o.threads) - cfg.first_conn;
  cfg.total_conns = o.conns;
  cfg.payload = o.size;
  cfg.depth = o.depth;
  const double share = double(cfg.conns) / double(o.conns);
  cfg.rate = o.rate * share;
  cfg.connect_rate = o.connect_rate * share;
  cfg.connect_timeout_ns = to_ns(o.connect_timeout_s);
  cfg.move = o.mode == Mode::kMove;
  cfg.encoding = o.encoding;
  cfg.room_size = o.room_size;
  cfg.user_base = o.user_base;
  cfg.total_rate = o.rate;
  cfg.heartbeat_ns = to_ns(o.heartbeat_s);
  return cfg;
}

io::BackendConfig WorkerFleet::backend_config() const {
  const uint64_t n = (uint64_t(opts_.conns) + opts_.threads - 1) / opts_.threads;
  io::BackendConfig io;
  io.kind = opts_.backend;
  io.sq_entries = std::clamp<uint32_t>(pow2_at_least(2 * n + 16), 64, 4096);
  io.cq_factor = std::min<uint32_t>(std::max<uint32_t>(pow2_at_least(4 * n + 64), 4 * io.sq_entries), 65536) /
                 io.sq_entries;
  switch (opts_.spec().traffic) {
    case TrafficKind::kEcho: {
      const uint32_t frame = MessageWriter::framed(opts_.size);
      // Big enough for what one connection has in flight, few enough to stay
      // cache-resident (each receive completion takes a whole buffer).
      uint64_t cap = uint64_t(opts_.depth) * frame;
      if (opts_.open_loop()) cap = std::max<uint64_t>(cap, std::clamp<uint32_t>(65536 / frame, 1, 64) * frame);
      io.recv_buffer_size = std::clamp<uint32_t>(pow2_at_least(cap), 256, 65536);
      io.recv_buffers = std::clamp<uint32_t>(pow2_at_least(2 * n), 64, 4096);
      while (io.recv_buffers > 64 && uint64_t(io.recv_buffers) * io.recv_buffer_size > (64ull << 20))
        io.recv_buffers >>= 1;
      break;
    }
    case TrafficKind::kIdle:  // one short proof per connection
      io.sq_entries = 1024;
      io.cq_factor = 8;
      io.recv_buffers = 1024;
      io.recv_buffer_size = 256;
      break;
    case TrafficKind::kRoom:
      io.recv_buffers = std::clamp<uint32_t>(pow2_at_least(n), 64, 2048);
      io.recv_buffer_size = 16384;
      break;
  }
  return io;
}

int WorkerFleet::start() {
  EngineConfig cfg;
  for (uint32_t i = 0; i < opts_.threads; ++i) cfg.cpus.push_back(opts_.cpus[i % opts_.cpus.size()]);
  cfg.io = backend_config();
  cfg.mailbox_capacity = 16;        // workers never talk to each other
  cfg.shutdown_grace_ns = 100'000'000;
  engine_ = std::make_unique<Engine>(cfg);
  const ModeSpec& spec = opts_.spec();
  return engine_->start([this, &spec](Shard& shard) {
    const uint32_t i = shard.id();
    shard.add_service(make_worker(spec, configs_[i], ctl_, *stats_[i]));
  });
}

void WorkerFleet::stop() {
  if (!engine_) return;
  engine_->request_stop();
  engine_->wait();
}

void WorkerFleet::wake() {
  if (!engine_) return;
  for (size_t i = 0; i < engine_->shard_count(); ++i) engine_->shard(i).notify();
}

uint64_t WorkerFleet::sum(std::atomic<uint64_t> WorkerStats::*field) const {
  uint64_t n = 0;
  for (const auto& s : stats_) n += ((*s).*field).load(std::memory_order_relaxed);
  return n;
}

uint64_t WorkerFleet::errors() const {
  uint64_t n = 0;
  for (const auto& s : stats_) n += s->errors_total();
  return n;
}

uint32_t WorkerFleet::established() const {
  uint32_t n = 0;
  for (const auto& s : stats_) n += s->established.load(std::memory_order_relaxed);
  return n;
}

bool WorkerFleet::connected() const {
  for (const auto& s : stats_)
    if (!s->connect_done.load(std::memory_order_acquire)) return false;
  return true;
}

WorkerFleet::ConnectFailures WorkerFleet::connect_failures() const {
  ConnectFailures f;
  for (const auto& s : stats_) {
    f.count += s->connect_failed.load(std::memory_order_relaxed);
    if (f.first_errno == 0) f.first_errno = s->first_connect_errno.load(std::memory_order_relaxed);
  }
  return f;
}

void WorkerFleet::collect_errors(RunResult& r) const {
  for (const auto& s : stats_)
    for (size_t k = 0; k < kErrorKinds; ++k) r.errors[k] += s->errors[k].load(std::memory_order_relaxed);
}

}  // namespace ptnet::load
