#include "core/Engine.h"

#include <cerrno>
#include <cstring>

#include "core/CpuSet.h"
#include "base/Log.h"

namespace ptnet {

Engine::Engine(EngineConfig cfg) : cfg_(std::move(cfg)) {}

Engine::~Engine() {
  request_stop();
  wait();
}

void Engine::shard_ready(uint32_t id, int err, io::BackendKind kind, const std::string& description,
                         const std::string& fallback_reason) {
  if (err == 0) {
    if (kind == io::BackendKind::Epoll && cfg_.io.kind == io::BackendKind::Auto && !fallback_reason.empty())
      PTNET_LOG_WARN("shard %u: io_uring is off (%s): falling back to epoll", id,
                     fallback_reason.c_str());
    PTNET_LOG_INFO("shard %u on cpu %d: %s", id, shards_[id]->cpu(), description.c_str());
    if (id == 0) backend_kind_ = kind;
  }
  ready_err_.store(err);
  ready_state_.store(err == 0 ? 1 : 2);
  ready_state_.notify_all();
}

int Engine::plan_cpus(const EngineConfig& cfg, std::vector<int>* out) {
  std::vector<int> cpus = cfg.cpus;
  if (cpus.empty()) {
    cpus = CpuSet::affinity();
    if (cpus.size() > kMaxShards && (cfg.max_shards == 0 || cfg.max_shards > kMaxShards)) {
      PTNET_LOG_WARN("%zu CPUs in the affinity mask: running the first %zu (the most shards ptnet runs); "
                     "choose them with --cpus", cpus.size(), kMaxShards);
      cpus.resize(kMaxShards);
    }
  }
  if (cfg.max_shards != 0 && cpus.size() > cfg.max_shards) cpus.resize(cfg.max_shards);
  if (cpus.size() > kMaxShards) {
    PTNET_LOG_ERROR("%zu shards requested: ptnet runs at most %zu (cap them with --shards)", cpus.size(),
                    kMaxShards);
    return -EINVAL;
  }
  *out = std::move(cpus);
  return 0;
}

int Engine::start(ServiceFactory factory) {
  PTNET_ASSERT(shards_.empty());
  factory_ = std::move(factory);
  std::vector<int> cpus;
  if (int err = plan_cpus(cfg_, &cpus); err < 0) return err;
  const size_t n = cpus.size();
  for (size_t i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(*this, uint32_t(i), cpus[i]));
  for (size_t i = 0; i < n * n; ++i) mailboxes_.push_back(std::make_unique<Mailbox>(cfg_.mailbox_capacity));

  running_.store(true);
  // One at a time: a shard's services may depend on what earlier shards set
  // up (e.g. the port an ephemeral listener got).
  for (size_t i = 0; i < n; ++i) {
    ready_state_.store(0);
    threads_.emplace_back([this, i] { shards_[i]->run(); });
    ready_state_.wait(0);
    if (ready_state_.load() != 1) {
      int err = ready_err_.load();
      request_stop();
      wait();
      return err != 0 ? err : -EIO;
    }
  }
  return 0;
}

void Engine::request_stop() {
  for (auto& s : shards_) s->request_stop();
}

void Engine::wait() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  drain_after_stop();
  running_.store(false);
}

void Engine::drain_after_stop() {
  // A shard may post to another that has already left its loop; those
  // messages would never run and whatever they own would leak. Every shard
  // is joined now, so this thread delivers them, to shards that are done()
  // (handlers then only release what the message owns, and count it). A
  // handler may post again; a few rounds settle it.
  for (int round = 0; round < 8; ++round) {
    size_t n = 0;
    for (auto& s : shards_) {
      s->adopt_for_teardown();
      n += s->drain_mailboxes();
    }
    if (n == 0) return;
  }
}

CounterSnapshot Engine::counters() const {
  CounterSnapshot total;
  for (const auto& s : shards_) total += s->counters().snapshot();
  return total;
}

}  // namespace ptnet
