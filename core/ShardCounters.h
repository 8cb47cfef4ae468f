// Per-shard counters. Written only by the owning shard (a relaxed load and
// store, no locked instruction), read by anyone (relaxed) and summed on
// demand into a CounterSnapshot.
#pragma once

#include <atomic>
#include <cstdint>

namespace ptnet {

enum class Counter : uint8_t {
  Accepted,
  Closed,
  FramesIn,
  FramesOut,
  BytesIn,
  BytesOut,
  ErrFrameZero,        // zero-length frame header
  ErrFrameTooLarge,    // length over --max-frame
  ErrSendQueueFull,    // slow reader over --max-send-queue, disconnected
  ErrRecv,             // recv failed (reset, ...)
  ErrSend,             // send failed
  ErrAccept,           // accept failed (EMFILE, ...)
  ErrConnLimit,        // refused: --max-conns reached
  RecvNoBuffers,       // provided buffers ran out (re-armed, not an error of the peer)
  MailboxFull,         // cross-shard message dropped: target queue full
  MailboxMessages,     // cross-shard messages received
  LoopPasses,
  ErrFrameTimeout,     // a started frame not completed within its deadline (slowloris), closed
  IdleTimeouts,        // silent past the transport's idle timeout (echo mode), closed
  DatagramsIn,         // UDP datagrams received
  DatagramsOut,        // UDP datagrams handed to the kernel and sent
  BytesInUdp,
  BytesOutUdp,
  ErrDatagram,         // truncated or unreadable datagram, dropped
  ErrDatagramSend,     // a datagram the kernel refused (full socket buffer: lost, as on the wire)
  ErrDatagramRecv,     // the datagram receive ended with an error (re-armed after a back-off)
  kCount
};

const char* counter_name(Counter c);

struct CounterSnapshot {
  uint64_t v[size_t(Counter::kCount)] = {};
  uint64_t operator[](Counter c) const { return v[size_t(c)]; }
  CounterSnapshot& operator+=(const CounterSnapshot& o) {
    for (size_t i = 0; i < size_t(Counter::kCount); ++i) v[i] += o.v[i];
    return *this;
  }
};

class ShardCounters {
 public:
  void add(Counter c, uint64_t n = 1) {
    auto& a = v_[size_t(c)];
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t get(Counter c) const { return v_[size_t(c)].load(std::memory_order_relaxed); }
  CounterSnapshot snapshot() const {
    CounterSnapshot s;
    for (size_t i = 0; i < size_t(Counter::kCount); ++i) s.v[i] = v_[i].load(std::memory_order_relaxed);
    return s;
  }

 private:
  alignas(64) std::atomic<uint64_t> v_[size_t(Counter::kCount)] = {};
};

}  // namespace ptnet
