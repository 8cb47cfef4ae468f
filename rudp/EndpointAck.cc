// Endpoint: loss recovery on the send side. Acks free units and feed the
// RTT estimator and the congestion window; losses are found by packet and
// time thresholds (RFC 9002 §6.1) or by the retransmission timeout, and the
// lost packets' reliable units go back on the retransmission queue (they
// travel again in new packets with new numbers).
#include "rudp/Endpoint.h"
#include "rudp/Seq.h"

namespace ptnet::rudp {

void Endpoint::on_ack_block(Peer& p, const AckBlock& a, uint16_t window, uint64_t now) {
  if (!p.in_session()) return;
  const uint32_t largest = a.ranges[0].hi;
  if (!seq_lt(largest, p.sent.next_pn()) || p.sent.next_pn() == cfg_.initial_seq) {
    ++p.stats.spurious_acks;  // acks a packet never sent
    return;
  }
  uint64_t largest_sent = 0;
  bool newly = false;
  for (uint32_t i = 0; i < a.count; ++i) newly |= ack_range(p, a.ranges[i].lo, a.ranges[i].hi, largest, &largest_sent);
  if (!p.has_largest_acked || seq_gt(largest, p.largest_acked)) {
    p.largest_acked = largest;
    p.has_largest_acked = true;
  }
  if (largest_sent != 0) {
    p.rtt.on_sample(now - largest_sent, a.delay_ns < cfg_.ack_delay_ns ? a.delay_ns : cfg_.ack_delay_ns);
    p.backoff = 0;
  }
  if (p.recent_lost_live != 0) check_spurious_losses(p, a);
  if (newly) {
    p.rto_base_ns = now;
    detect_lost(p, now);
  }
  if (seq_gt(a.rcv_next, p.peer_rcv_next) && seq_le(a.rcv_next, p.next_rseq)) {
    p.peer_rcv_next = a.rcv_next;
    prune_retx(p);
  }
  if (seq_le(a.rcv_next, p.next_rseq) && seq_gt(a.rcv_next + window, p.peer_limit)) p.peer_limit = a.rcv_next + window;
  p.sent.trim();
  if (data_ready(p) || p.state == PeerState::Closing) mark_dirty(p);
}

// Acks the records in [lo, hi] still in flight; true if any was.
bool Endpoint::ack_range(Peer& p, uint32_t lo, uint32_t hi, uint32_t largest, uint64_t* largest_sent) {
  const uint32_t base = p.sent.base_pn();
  const uint32_t next = p.sent.next_pn();
  if (seq_lt(hi, base) || seq_gt(lo, hi)) return false;
  if (seq_lt(lo, base)) lo = base;
  if (!seq_lt(hi, next)) hi = next - 1;
  bool any = false;
  for (uint32_t pn = lo; seq_le(pn, hi); ++pn) {
    SentPacket& rec = p.sent.at(pn);
    if (rec.in_flight == 0) continue;
    if (pn == largest) *largest_sent = rec.sent_ns;
    on_acked(p, rec);
    any = true;
  }
  return any;
}

// A packet declared lost and acked after all was only late: the path
// reorders by more than the threshold that declared it lost, so the
// packet threshold grows past that distance, or, when the packet threshold
// was not what declared it, the time threshold grows by 1/4 RTT (as RACK
// widens its reordering window), up to 32 packets and 2 RTTs.
void Endpoint::check_spurious_losses(Peer& p, const AckBlock& a) {
  constexpr uint32_t kMaxReorderThreshold = 32;
  constexpr uint32_t kMaxLossDelayEighths = 16;  // 2 RTTs
  for (Peer::LostPacket& l : p.recent_lost) {
    if (l.pn == l.largest_acked) continue;  // empty
    for (uint32_t i = 0; i < a.count; ++i) {
      if (seq_lt(l.pn, a.ranges[i].lo) || seq_gt(l.pn, a.ranges[i].hi)) continue;
      const uint32_t want = l.largest_acked - l.pn + 1;
      const uint32_t capped = want < kMaxReorderThreshold ? want : kMaxReorderThreshold;
      if (capped > p.reorder_threshold) {
        p.reorder_threshold = uint8_t(capped);
      } else if (p.loss_delay_eighths < kMaxLossDelayEighths) {
        p.loss_delay_eighths = uint8_t(p.loss_delay_eighths + 2);  // it was the time threshold
      }
      ++p.stats.spurious_losses;
      l = Peer::LostPacket{};
      --p.recent_lost_live;
      break;
    }
  }
}

void Endpoint::on_acked(Peer& p, SentPacket& rec) {
  rec.in_flight = 0;
  p.bytes_in_flight -= rec.bytes;
  p.cc.on_acked(rec.bytes, rec.sent_ns);
  for (Unit* u = rec.units; u != nullptr;) {
    Unit* next = u->next;
    free_unit(p, u);
    u = next;
  }
  rec.units = nullptr;
}

void Endpoint::declare_lost(Peer& p, uint32_t pn, bool congestion, uint64_t now) {
  SentPacket& rec = p.sent.at(pn);
  if (p.has_largest_acked && seq_lt(pn, p.largest_acked)) {
    Peer::LostPacket& slot = p.recent_lost[p.recent_lost_next];
    if (slot.pn == slot.largest_acked) ++p.recent_lost_live;
    slot = Peer::LostPacket{pn, p.largest_acked};
    p.recent_lost_next = uint8_t((p.recent_lost_next + 1) % 4);
  }
  rec.in_flight = 0;
  p.bytes_in_flight -= rec.bytes;
  ++p.stats.packets_lost;
  if (congestion && p.cc.on_lost(rec.sent_ns, now)) ++p.stats.loss_episodes;
  for (Unit* u = rec.units; u != nullptr;) {
    Unit* next = u->next;
    if (seq_lt(u->seq, p.peer_rcv_next)) {
      free_unit(p, u);  // the peer has it already (cumulative unit ack)
    } else {
      p.retx.push_back(u);
    }
    u = next;
  }
  rec.units = nullptr;
  if (!p.retx.empty()) mark_dirty(p);
}

// Drops queued retransmissions the peer's cumulative unit ack covers.
void Endpoint::prune_retx(Peer& p) {
  UnitQueue keep;
  while (!p.retx.empty()) {
    Unit* u = p.retx.pop_front();
    if (seq_lt(u->seq, p.peer_rcv_next)) {
      free_unit(p, u);
    } else {
      keep.push_back(u);
    }
  }
  p.retx = keep;
}

// Packets older than the largest acked are lost once reorder_threshold
// (packet_threshold, raised by reordering seen) later ones are acked, or once sent more than 9/8 RTT before now; the earliest
// time one of the others would cross that line is loss_time.
void Endpoint::detect_lost(Peer& p, uint64_t now) {
  p.loss_time = UINT64_MAX;
  if (!p.has_largest_acked) return;
  const uint64_t delay = p.rtt.loss_delay_ns(p.loss_delay_eighths);
  const uint32_t end = seq_lt(p.largest_acked, p.sent.next_pn()) ? p.largest_acked : p.sent.next_pn();
  for (uint32_t pn = p.sent.base_pn(); seq_lt(pn, end); ++pn) {
    SentPacket& rec = p.sent.at(pn);
    if (rec.in_flight == 0) continue;
    if (p.largest_acked - pn >= p.reorder_threshold || rec.sent_ns + delay <= now) {
      declare_lost(p, pn, true, now);
      ++p.stats.fast_retransmits;
    } else if (rec.sent_ns + delay < p.loss_time) {
      p.loss_time = rec.sent_ns + delay;
    }
  }
  p.sent.trim();
}

// Nothing acked for an RTO: everything in flight is lost, the window
// collapses to its minimum and the timeout doubles (up to max_rto).
void Endpoint::on_rto(Peer& p, uint64_t now) {
  for (uint32_t pn = p.sent.base_pn(); pn != p.sent.next_pn(); ++pn) {
    if (p.sent.at(pn).in_flight != 0) declare_lost(p, pn, false, now);
  }
  p.sent.trim();
  p.cc.on_timeout(now);
  p.loss_time = UINT64_MAX;
  ++p.stats.rto_timeouts;
  if (rto_ns(p) < cfg_.max_rto_ns && p.backoff < 40) ++p.backoff;
  mark_dirty(p);
}

uint64_t Endpoint::rto_ns(const Peer& p) const {
  const uint64_t base = p.rtt.rto_ns(cfg_.ack_delay_ns, cfg_.min_rto_ns, cfg_.max_rto_ns);
  uint64_t rto = base;
  for (unsigned i = 0; i < p.backoff && rto < cfg_.max_rto_ns; ++i) rto *= 2;
  return rto < cfg_.max_rto_ns ? rto : cfg_.max_rto_ns;
}

uint64_t Endpoint::rto_deadline(const Peer& p) const {
  return p.bytes_in_flight == 0 ? UINT64_MAX : p.rto_base_ns + rto_ns(p);
}

}  // namespace ptnet::rudp
