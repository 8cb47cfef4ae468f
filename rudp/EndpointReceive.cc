// Endpoint: the receive path. A burst is classified (which seed verifies
// each datagram), verified and header-decoded in batches (simd), then each
// datagram is handled in arrival order.
#include <cstring>

#include "rudp/Endpoint.h"
#include "rudp/Seq.h"
#include "rudp/Wire.h"
#include "simd/Simd.h"

namespace ptnet::rudp {

void Endpoint::receive(const RxDatagram* burst, size_t n, uint64_t now_ns) {
  note_time(now_ns);
  for (size_t off = 0; off < n; off += kChunk) {
    receive_chunk(burst + off, n - off < kChunk ? n - off : kChunk, now_ns);
  }
  finish_call();
}

void Endpoint::receive_chunk(const RxDatagram* d, size_t n, uint64_t now) {
  simd::Span spans[kChunk];
  uint32_t seeds[kChunk];
  Peer* peers[kChunk];
  uint8_t index[kChunk];
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    ++counters_.datagrams_in;
    counters_.bytes_in += d[i].len;
    if (!classify(d[i], &seeds[m], &peers[m])) continue;
    spans[m] = simd::Span{d[i].data, d[i].len};
    index[m++] = uint8_t(i);
  }
  if (m == 0) return;
  uint8_t ok[kChunk];
  counters_.bad_checksum += m - simd::verify_batch(spans, m, seeds, ok);
  const uint8_t* heads[kChunk];
  uint8_t which[kChunk];
  size_t v = 0;
  for (size_t j = 0; j < m; ++j) {
    if (ok[j] != 0) {
      heads[v] = spans[j].data;
      which[v++] = uint8_t(j);
    }
  }
  simd::Header14 hdrs[kChunk];
  simd::decode_headers(heads, v, hdrs);
  for (size_t k = 0; k < v; ++k) {
    const size_t j = which[k];
    const RxDatagram& dg = d[index[j]];
    if (peers[j] == nullptr) {
      on_handshake(hdrs[k], dg, now);
    } else if (peers[j]->state != PeerState::Dead) {
      on_session_packet(*peers[j], hdrs[k], dg, now);
    }
  }
}

// Which seed verifies d, and (session packets) which peer it is for.
bool Endpoint::classify(const RxDatagram& d, uint32_t* seed, Peer** peer) {
  if (d.len < wire::kHeaderSize) {
    ++counters_.malformed;
    return false;
  }
  const uint8_t type = d.data[0];
  if (wire::is_handshake(type)) {
    *seed = wire::kHandshakeSeed;
    *peer = nullptr;
    return true;
  }
  if (!wire::is_session(type)) {
    ++counters_.malformed;
    return false;
  }
  Peer* p = find(d.from, d.from.hash());
  if (p == nullptr || p->state == PeerState::Dead) {
    ++counters_.unknown_peer;
    return false;
  }
  if (p->state == PeerState::HelloSent || p->state == PeerState::ConnectSent) {
    ++counters_.not_established;
    return false;
  }
  *seed = p->key;
  *peer = p;
  return true;
}

bool Endpoint::validate_frames(const uint8_t* p, size_t n) const {
  FrameReader r(p, n, max_fragments_);
  Frame f;
  int rc;
  while ((rc = r.next(&f)) == 1) {
  }
  return rc == 0;
}

void Endpoint::on_session_packet(Peer& p, const simd::Header14& h, const RxDatagram& d, uint64_t now) {
  const uint8_t* body = d.data + wire::kHeaderSize;
  const size_t n = d.len - wire::kHeaderSize;
  AckBlock ack;
  size_t used = 0;
  bool ok = (h.flags & ~wire::kFlagsKnown) == 0;
  if (ok && (h.flags & wire::kFlagAck) != 0) ok = (used = parse_ack_block(body, n, h.ack, &ack)) != 0;
  const bool frames = (h.flags & wire::kFlagFrames) != 0;
  if (ok) ok = frames ? h.type == wire::kData && validate_frames(body + used, n - used) : used == n;
  if (!ok) {
    ++counters_.malformed;
    return;
  }
  ++p.stats.datagrams_in;
  p.stats.bytes_in += d.len;
  p.last_recv_ns = now;
  if (p.state == PeerState::TimeWait) {
    if (h.type == wire::kClose) on_close_packet(p, h.type, now);
    return;
  }
  if ((h.flags & wire::kFlagAck) != 0) on_ack_block(p, ack, h.window, now);
  if (h.type == wire::kData || h.type == wire::kPing) {
    on_ack_eliciting(p, h, body + used, n - used, now);
  } else if (h.type == wire::kClose || h.type == wire::kCloseAck) {
    on_close_packet(p, h.type, now);
  }
  if (p.state != PeerState::Dead) rearm(p);
}

void Endpoint::on_ack_eliciting(Peer& p, const simd::Header14& h, const uint8_t* frames, size_t n,
                                uint64_t now) {
  const uint32_t pn = h.seq;
  if (p.ranges.contains(pn)) {
    ++p.stats.duplicates;
    return;
  }
  if (!on_frames(p, frames, n)) return;  // refused: not acked, so the peer sends it again
  const bool in_order = p.ranges.empty() || pn == p.ranges.largest() + 1;
  const bool largest = p.ranges.empty() || seq_gt(pn, p.ranges.largest());
  p.ranges.insert(pn);
  if (largest) p.largest_recv_ns = now;
  schedule_ack(p, in_order, now);
}

void Endpoint::schedule_ack(Peer& p, bool in_order, uint64_t now) {
  ++p.ack_pending;
  if (!in_order || p.ack_pending >= cfg_.ack_every) {
    p.ack_now = true;
    mark_dirty(p);
  } else if (p.ack_deadline == UINT64_MAX) {
    p.ack_deadline = now + cfg_.ack_delay_ns;
  }
}

bool Endpoint::on_frames(Peer& p, const uint8_t* frames, size_t n) {
  FrameReader r(frames, n, max_fragments_);
  Frame f;
  bool accepted = true;
  while (r.next(&f) == 1) {
    if (f.kind == wire::kKindUnreliable) {
      on_unreliable(p, f);
    } else if (!on_reliable(p, f)) {
      accepted = false;
    }
  }
  return accepted;
}

void Endpoint::on_unreliable(Peer& p, const Frame& f) {
  if ((p.has_useq && !seq_gt(f.seq, p.last_useq)) || !p.open() || p.paused) {
    ++p.stats.stale_unreliable;
    return;
  }
  p.has_useq = true;
  p.last_useq = f.seq;
  deliver(p, Channel::Unreliable, f.data, f.len);
}

// False when the unit was refused (beyond the window, over the cap).
bool Endpoint::on_reliable(Peer& p, const Frame& f) {
  if (seq_lt(f.seq, p.rcv_next) || p.rx.get(f.seq) != nullptr) {
    ++p.stats.duplicates;
    return true;
  }
  if (!seq_lt(f.seq, p.deliver_next + cfg_.rx_window)) {
    ++p.stats.window_drops;
    return false;
  }
  if (f.seq == p.rcv_next && p.deliver_next == p.rcv_next && f.kind == wire::kKindReliable && p.open() &&
      !p.paused) {
    ++p.rcv_next;  // in order, nothing held before it: straight from the datagram
    ++p.deliver_next;
    deliver(p, Channel::Reliable, f.data, f.len);
    if (p.rx.count() == 0) return true;
  } else if (!hold(p, f)) {
    return false;
  }
  while (p.rx.get(p.rcv_next) != nullptr) ++p.rcv_next;
  deliver_ready(p);
  return true;
}

bool Endpoint::hold(Peer& p, const Frame& f) {
  if (f.seq != p.rcv_next && p.rx.bytes() + f.len > cfg_.reassembly_cap) {
    ++p.stats.reassembly_drops;
    return false;
  }
  Unit* u = new_unit(f.len);
  if (u == nullptr) return false;
  u->kind = f.kind;
  u->seq = f.seq;
  u->frag_index = f.frag_index;
  u->frag_count = f.frag_count;
  std::memcpy(u->data(), f.data, f.len);
  if (!p.rx.put(pool_, cfg_.rx_window, u)) {
    pool_.deallocate(u, u->cls);
    return false;
  }
  if (p.rx.count() > p.stats.reorder_peak_units) p.stats.reorder_peak_units = p.rx.count();
  return true;
}

// Hands the application every held unit that is in order (whole messages,
// complete fragment runs), unless delivery is paused; after close() they are
// consumed without delivery.
void Endpoint::deliver_ready(Peer& p) {
  while (p.deliver_next != p.rcv_next && !(p.paused && p.open())) {
    Unit* u = p.rx.get(p.deliver_next);
    PTNET_ASSERT(u != nullptr);
    if (u->kind == wire::kKindFragment) {
      if (!deliver_fragments(p, u)) return;
      continue;
    }
    p.rx.take(pool_, p.deliver_next);
    ++p.deliver_next;
    if (p.open()) deliver(p, Channel::Reliable, u->data(), u->len);
    pool_.deallocate(u, u->cls);
  }
}

// A run of fragments starting at deliver_next: false while incomplete.
// An inconsistent run loses its first unit (counted) and delivery goes on.
bool Endpoint::deliver_fragments(Peer& p, Unit* first) {
  const uint32_t base = p.deliver_next;
  const uint32_t k = first->frag_count;
  bool bad = first->frag_index != 0;
  if (!bad && p.rcv_next - base < k) return false;
  size_t total = 0;
  for (uint32_t i = 0; !bad && i < k; ++i) {
    const Unit* u = p.rx.get(base + i);
    bad = u->kind != wire::kKindFragment || u->frag_index != i || u->frag_count != k;
    total += u->len;
  }
  if (bad || total > cfg_.max_message) {
    ++p.stats.bad_fragments;
    pool_.deallocate(p.rx.take(pool_, base), first->cls);
    ++p.deliver_next;
    return true;
  }
  if (scratch_ == nullptr) scratch_.reset(new uint8_t[cfg_.max_message]);
  size_t off = 0;
  for (uint32_t i = 0; i < k; ++i) {
    Unit* u = p.rx.take(pool_, base + i);
    std::memcpy(scratch_.get() + off, u->data(), u->len);
    off += u->len;
    pool_.deallocate(u, u->cls);
  }
  p.deliver_next = base + k;
  if (p.open()) deliver(p, Channel::Reliable, scratch_.get(), total);
  return true;
}

void Endpoint::deliver(Peer& p, Channel ch, const uint8_t* data, size_t len) {
  ++p.stats.messages_in;
  handler_.on_message(p.id, ch, data, len);
}

uint16_t Endpoint::advertised_window(const Peer& p) const {
  const uint32_t used = p.rcv_next - p.deliver_next;
  const uint32_t w = used >= cfg_.rx_window ? 0 : cfg_.rx_window - used;
  return uint16_t(w > 0xFFFF ? 0xFFFF : w);
}

void Endpoint::on_close_packet(Peer& p, uint8_t type, uint64_t now) {
  if (type == wire::kCloseAck) {
    if (p.state == PeerState::CloseSent) {
      end_session(p, DisconnectReason::ClosedLocally);
      destroy_later(p);
    }
    return;
  }
  if (p.state != PeerState::TimeWait) {
    end_session(p, p.state == PeerState::Established ? DisconnectReason::ClosedByPeer
                                                     : DisconnectReason::ClosedLocally);
    p.state = PeerState::TimeWait;
    p.state_deadline = now + cfg_.time_wait_ns;
    drop_send_state(p);
  }
  p.close_ack_pending = true;
  mark_dirty(p);
}

}  // namespace ptnet::rudp
