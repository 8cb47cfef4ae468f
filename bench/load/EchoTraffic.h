// The echo traffic pattern: every connection sends EchoPayload messages and
// expects each back unchanged, in order. Closed loop (--rate 0): --depth
// messages outstanding per connection, a new one for each echo; open loop:
// the worker's k-th message goes to connection k % conns at
// traffic_start + offset + k * interval, and latency counts from that
// intended time. Each echo is verified (length, connection, sequence,
// intended send time, every pattern byte); latency and counts go to the
// WorkerContext and WorkerStats. Works on any Link (LoadWorker.h).
//
// Threads: the worker's shard thread only.
// Ownership: per-connection state and the closed-loop send-time slab; the
// connections themselves are the Link's.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/load/EchoPayload.h"
#include "bench/load/LinkPort.h"
#include "bench/load/MessageWriter.h"
#include "bench/load/TrafficShape.h"
#include "bench/load/WorkerContext.h"

namespace ptnet::load {

class EchoTraffic {
 public:
  EchoTraffic(WorkerContext& ctx, LinkPort& port);

  TrafficShape shape() const;

  // Link -> traffic.
  void on_open(uint32_t i, uint64_t now_ns);
  void on_open_failed(uint32_t) {}
  bool on_message(uint32_t i, const uint8_t* body, uint32_t len, uint64_t now_ns);
  void on_lost(uint32_t i);
  void fill(uint32_t i, MessageWriter& out, uint64_t now_ns);
  bool owes(uint32_t i) const { return conns_[i].owed != 0; }

  // Worker -> traffic.
  bool setup_done(bool connects_finished) const { return connects_finished; }
  bool start(uint64_t now_ns);
  void pace(uint64_t now_ns);
  uint64_t next_due_ns() const { return open_loop_ ? next_due_ns_ : UINT64_MAX; }
  void on_tick(uint64_t) {}
  void finish(uint64_t now_ns);
  void publish();

 private:
  static constexpr uint64_t kStallNs = 1'000'000'000;  // unanswered this long at the end = timeout

  struct Conn {
    bool live = false;
    uint32_t global = 0;           // connection index carried in every message
    uint64_t owed = 0;             // messages due to be written (closed loop: echo credits)
    uint64_t next_send_seq = 0;
    uint64_t next_recv_seq = 0;
    uint64_t last_progress_ns = 0;  // last echo, or when messages became outstanding
    uint64_t* sent_ns = nullptr;    // closed loop: send time of seq at [seq % depth]
  };

  // The kind of a message that failed its check: out of order if it is a
  // well-formed message of this connection with another sequence number.
  ErrorKind mismatch(const Conn& c, const uint8_t* body, uint32_t len, EchoPayload::Check check) const;
  void fail(uint32_t i, ErrorKind why) {
    on_lost(i);
    port_.close(i, why);
  }
  uint64_t intended_ns(uint32_t i, uint64_t seq) const {
    const double k = double(seq) * double(conns_.size()) + double(i);
    return traffic_start_ns_ + uint64_t(offset_ns_ + k * interval_ns_);
  }

  WorkerContext& ctx_;
  LinkPort& port_;
  const uint32_t payload_;
  const uint32_t depth_;
  const bool open_loop_;
  uint32_t cap_messages_ = 0;  // per send buffer
  std::vector<Conn> conns_;
  std::vector<uint64_t> sent_slab_;

  // Open-loop schedule.
  uint64_t traffic_start_ns_ = 0;
  double interval_ns_ = 0.0;
  double offset_ns_ = 0.0;
  uint64_t next_k_ = 0;
  uint64_t next_due_ns_ = UINT64_MAX;

  // Local counters, published to WorkerStats once per pass.
  uint64_t msgs_total_ = 0;
  uint64_t msgs_window_ = 0;
  uint64_t backlog_ = 0;
  uint32_t established_ = 0;
};

}  // namespace ptnet::load
