#include "rudp/LinkImpairment.h"

#include <algorithm>
#include <cstring>

namespace ptnet::rudp {

LinkImpairment::LinkImpairment(const LinkImpairmentConfig& cfg) : cfg_(cfg), rng_(cfg.seed) {
  if (cfg_.reorder_ns == 0) cfg_.reorder_ns = 2 * cfg_.jitter_ns + 1'000'000;
}

uint64_t LinkImpairment::delay(bool reordered) {
  return cfg_.delay_ns + rng_.upto(cfg_.jitter_ns) + (reordered ? cfg_.reorder_ns : 0);
}

void LinkImpairment::submit(const uint8_t* data, size_t len, const SockAddr& to, uint64_t now_ns) {
  ++counters_.submitted;
  if (rng_.uniform() < cfg_.loss) {
    ++counters_.lost;
    return;
  }
  const bool reordered = rng_.uniform() < cfg_.reorder;
  counters_.reordered += reordered;
  hold(data, len, to, now_ns + delay(reordered));
  if (rng_.uniform() < cfg_.dup) {
    ++counters_.duplicated;
    hold(data, len, to, now_ns + delay(false));
  }
}

void LinkImpairment::hold(const uint8_t* data, size_t len, const SockAddr& to, uint64_t release_ns) {
  if (len > cfg_.max_datagram || heap_.size() >= cfg_.max_held) {
    ++counters_.overflow;
    return;
  }
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = slots_++;
    storage_.resize(size_t(slots_) * cfg_.max_datagram);
  }
  std::memcpy(&storage_[size_t(slot) * cfg_.max_datagram], data, len);
  heap_.push_back(Held{release_ns, order_++, to, slot, uint32_t(len)});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

size_t LinkImpairment::poll(uint64_t now_ns, Transmitter& out) {
  size_t n = 0;
  while (!heap_.empty() && heap_.front().release_ns <= now_ns) {
    uint8_t* buf = out.tx_buffer();
    if (buf == nullptr) break;
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const Held h = heap_.back();
    heap_.pop_back();
    std::memcpy(buf, &storage_[size_t(h.slot) * cfg_.max_datagram], h.len);
    free_slots_.push_back(h.slot);
    out.tx_commit(buf, h.len, h.to);
    ++counters_.released;
    ++n;
  }
  return n;
}

}  // namespace ptnet::rudp
