// Endpoint: the send path. flush() walks only the peers marked dirty
// (something queued, an ack due, a control packet pending) and fills as few
// datagrams as it can for each: the ack block rides on every data packet,
// then retransmissions, unreliable messages and new reliable units are
// coalesced up to the MTU, within the congestion window, the pacer and the
// peer's advertised window.
#include <cstring>

#include "rudp/Endpoint.h"
#include "rudp/FrameWriter.h"
#include "rudp/Seq.h"
#include "rudp/Wire.h"
#include "simd/Simd.h"

namespace ptnet::rudp {

void Endpoint::flush(uint64_t now_ns) {
  note_time(now_ns);
  emit_replies();
  pace_deadline_ = UINT64_MAX;
  Peer* list = dirty_;
  dirty_ = nullptr;
  while (list != nullptr) {
    Peer& p = *list;
    list = p.dirty_next;
    p.dirty = false;
    p.dirty_next = nullptr;
    flush_peer(p, now_ns);
  }
  finish_call();
}

void Endpoint::flush_peer(Peer& p, uint64_t now) {
  switch (p.state) {
    case PeerState::Dead:
      return;
    case PeerState::HelloSent:
    case PeerState::ConnectSent:
      if (p.hs_pending) send_handshake(p, now);
      break;
    case PeerState::TimeWait:
      if (p.close_ack_pending && send_control(p, wire::kCloseAck, now)) p.close_ack_pending = false;
      break;
    default:
      if (p.deliver_next != p.rcv_next && !p.paused) {
        deliver_ready(p);  // resumed after set_paused(false)
        const uint16_t w = advertised_window(p);
        if (p.last_window < cfg_.rx_window / 4 && w >= cfg_.rx_window / 4 && !p.ranges.empty()) p.ack_now = true;
      }
      if (flush_data(p, now)) maybe_send_close(p, now);
      break;
  }
  if (p.state != PeerState::Dead) rearm(p);
}

bool Endpoint::data_ready(const Peer& p) const {
  if (!p.retx.empty() || !p.unrel.empty()) return true;
  return !p.fresh.empty() && seq_lt(p.fresh.head->seq, p.peer_limit);
}

// Upper bound of a data packet that carries at least the first queued unit.
size_t Endpoint::smallest_data_packet(const Peer& p) const {
  const Unit* u = !p.retx.empty() ? p.retx.head : !p.unrel.empty() ? p.unrel.head : p.fresh.head;
  return wire::kHeaderSize + wire::kAckBlockMax + wire::kFrameHeaderMax + (u != nullptr ? u->len : 0);
}

// Whether cwnd, the sent-packet ring and the pacer let a data packet go now
// (a packet is cut to the window left: it never takes in flight past cwnd).
bool Endpoint::may_send_data(Peer& p, uint64_t now) {
  if (p.cc.budget(p.bytes_in_flight) < smallest_data_packet(p)) return false;
  if (p.sent.size() >= cfg_.max_in_flight_packets) return false;
  if (!cfg_.pacing || !p.rtt.has_sample()) return true;
  const uint32_t init = cfg_.initial_cwnd_packets * cfg_.mtu;
  uint32_t burst = p.cc.cwnd() < init ? p.cc.cwnd() : init;
  if (burst < 2 * cfg_.mtu) burst = 2 * cfg_.mtu;
  const uint64_t wait = p.pacer.delay_ns(now, p.cc.cwnd(), p.rtt.srtt_ns(), burst);
  if (wait == 0) return true;
  if (now + wait < pace_deadline_) pace_deadline_ = now + wait;
  mark_dirty(p);  // try again at the next flush after pace_deadline_
  return false;
}

// Data packets while there is data and room; then a standalone ack if one
// is still due. False when the Transmitter had no buffer.
bool Endpoint::flush_data(Peer& p, uint64_t now) {
  for (;;) {
    const bool want = data_ready(p) || p.ping_pending;
    if (want && may_send_data(p, now)) {
      if (!send_data_packet(p, now)) return false;
      continue;
    }
    if (p.ack_now && !p.ranges.empty()) return send_control(p, wire::kAck, now);
    return true;
  }
}

bool Endpoint::send_data_packet(Peer& p, uint64_t now) {
  if (!data_ready(p)) return send_ping(p, now);
  uint8_t* buf = tx_.tx_buffer();
  if (buf == nullptr) {
    ++counters_.tx_buffer_unavailable;
    mark_dirty(p);
    return false;
  }
  SentPacket* rec = p.sent.push(pool_, cfg_.max_in_flight_packets);
  PTNET_ASSERT(rec != nullptr);  // may_send_data() checked the ring; the pool only fails without memory
  const uint32_t pn = p.sent.next_pn() - 1;
  uint8_t* q = buf + wire::kHeaderSize;
  uint8_t flags = wire::kFlagFrames;
  if (!p.ranges.empty()) {
    q += write_ack_block(p, q, now);
    flags |= wire::kFlagAck;
  }
  const uint32_t budget = p.cc.budget(p.bytes_in_flight);
  const size_t body = fill_frames(p, q, buf + (budget < cfg_.mtu ? budget : cfg_.mtu), rec);
  PTNET_ASSERT(body != 0);  // may_send_data() saw the first unit fit: flush_data() always progresses
  const size_t len = size_t(q - buf) + body;
  seal_and_commit(p, buf, len, wire::kData, pn, flags);
  rec->sent_ns = now;
  rec->bytes = uint16_t(len);
  rec->in_flight = 1;
  if (p.bytes_in_flight == 0) p.rto_base_ns = now;
  p.bytes_in_flight += uint32_t(len);
  p.last_data_ns = now;
  p.pacer.on_sent(uint32_t(len));
  p.ping_pending = false;
  if ((flags & wire::kFlagAck) != 0) after_ack_sent(p);
  return true;
}

// Keep-alive: ack-eliciting, but neither in flight nor retransmitted.
bool Endpoint::send_ping(Peer& p, uint64_t now) {
  uint8_t* buf = tx_.tx_buffer();
  if (buf == nullptr) {
    ++counters_.tx_buffer_unavailable;
    mark_dirty(p);
    return false;
  }
  const uint32_t pn = p.sent.next_pn();
  const bool numbered = p.sent.skip(pool_, cfg_.max_in_flight_packets);
  PTNET_ASSERT(numbered);  // may_send_data() checked the ring
  p.sent.trim();
  uint8_t* q = buf + wire::kHeaderSize;
  uint8_t flags = 0;
  if (!p.ranges.empty()) {
    q += write_ack_block(p, q, now);
    flags |= wire::kFlagAck;
  }
  seal_and_commit(p, buf, size_t(q - buf), wire::kPing, pn, flags);
  p.ping_pending = false;
  if ((flags & wire::kFlagAck) != 0) after_ack_sent(p);
  return true;
}

// Retransmissions first, then unreliable messages, then new reliable units
// within the peer's window; reliable units are linked to the packet record.
size_t Endpoint::fill_frames(Peer& p, uint8_t* begin, uint8_t* end, SentPacket* rec) {
  FrameWriter w(begin, end);
  Unit** tail = &rec->units;
  while (!p.retx.empty() && w.fits(*p.retx.head)) {
    Unit* u = p.retx.pop_front();
    w.put(*u);
    *tail = u;
    tail = &u->next;
    ++p.stats.retransmits;
  }
  while (!p.unrel.empty() && w.fits(*p.unrel.head)) {
    Unit* u = p.unrel.pop_front();
    w.put(*u);
    free_unit(p, u);
  }
  while (!p.fresh.empty() && seq_lt(p.fresh.head->seq, p.peer_limit) && w.fits(*p.fresh.head)) {
    Unit* u = p.fresh.pop_front();
    w.put(*u);
    *tail = u;
    tail = &u->next;
  }
  *tail = nullptr;
  return size_t(w.pos() - begin);
}

size_t Endpoint::write_ack_block(Peer& p, uint8_t* out, uint64_t now) {
  const uint64_t delay = (now - p.largest_recv_ns) / wire::kAckDelayUnitNs;
  wire::store16(out, uint16_t(delay > 0xFFFF ? 0xFFFF : delay));
  wire::store32(out + 2, p.rcv_next);
  return 6 + p.ranges.encode(out + 6, wire::kMaxAckRanges);
}

void Endpoint::after_ack_sent(Peer& p) {
  p.ack_now = false;
  p.ack_pending = 0;
  p.ack_deadline = UINT64_MAX;
  p.last_window = advertised_window(p);
}

// ACK (ack block only), CLOSE, CLOSE_ACK: no packet number consumed.
bool Endpoint::send_control(Peer& p, uint8_t type, uint64_t now) {
  uint8_t* buf = tx_.tx_buffer();
  if (buf == nullptr) {
    ++counters_.tx_buffer_unavailable;
    mark_dirty(p);
    return false;
  }
  uint8_t* q = buf + wire::kHeaderSize;
  uint8_t flags = 0;
  if (type == wire::kAck) {
    q += write_ack_block(p, q, now);
    flags = wire::kFlagAck;
    ++p.stats.acks_out;
  }
  seal_and_commit(p, buf, size_t(q - buf), type, p.sent.next_pn(), flags);
  if (type == wire::kAck) after_ack_sent(p);
  return true;
}

void Endpoint::seal_and_commit(Peer& p, uint8_t* buf, size_t len, uint8_t type, uint32_t seq, uint8_t flags) {
  simd::Header14 h{};
  h.type = type;
  h.seq = seq;
  h.ack = p.ranges.empty() ? 0 : p.ranges.largest();
  h.window = advertised_window(p);
  h.flags = flags;
  simd::encode_header(h, buf);
  wire::store_checksum(buf, simd::checksum(buf, len, p.key));
  tx_.tx_commit(buf, len, p.addr);
  ++p.stats.datagrams_out;
  p.stats.bytes_out += len;
  ++counters_.datagrams_out;
  counters_.bytes_out += len;
  p.last_send_ns = now_;
}

// Closing: once every reliable unit is acked, CLOSE (again after each
// timeout until close_retries, see session_timer()).
void Endpoint::maybe_send_close(Peer& p, uint64_t now) {
  if (p.state == PeerState::Closing && p.retx.empty() && p.fresh.empty() && p.bytes_in_flight == 0) {
    p.state = PeerState::CloseSent;
    p.close_pending = true;
    p.tries = 0;
  }
  if (!p.close_pending || !send_control(p, wire::kClose, now)) return;
  p.close_pending = false;
  p.state_deadline = now + (rto_ns(p) << (p.tries < 16 ? p.tries : 16));
  ++p.tries;
}

}  // namespace ptnet::rudp
