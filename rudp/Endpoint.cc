// Endpoint: construction, the public calls, and the peer slot table.
#include "rudp/Endpoint.h"

#include <sodium.h>

#include <cerrno>
#include <cstring>

#include "base/Assert.h"
#include "rudp/Seq.h"
#include "rudp/Wire.h"

namespace ptnet::rudp {

const char* to_string(DisconnectReason r) {
  switch (r) {
    case DisconnectReason::Timeout: return "timeout";
    case DisconnectReason::ClosedByPeer: return "closed by peer";
    case DisconnectReason::ClosedLocally: return "closed locally";
    case DisconnectReason::Refused: return "refused";
    case DisconnectReason::HandshakeTimeout: return "handshake timeout";
    case DisconnectReason::Replaced: return "replaced";
  }
  return "?";
}

namespace {

void check_config(const EndpointConfig& c) {
  PTNET_ASSERT(c.mtu >= 256 && c.mtu <= kMaxDatagram);
  PTNET_ASSERT(c.rx_window >= 16 && c.rx_window <= 4096 && (c.rx_window & (c.rx_window - 1)) == 0);
  PTNET_ASSERT(c.max_peers >= 1 && c.max_message >= 1);
  PTNET_ASSERT(c.min_hello >= wire::kHeaderSize + wire::kHelloBody && c.min_hello <= kMaxDatagram);
  PTNET_ASSERT(c.ack_every >= 1 && c.packet_threshold >= 1 && c.packet_threshold <= 32);
  PTNET_ASSERT(c.min_rto_ns <= c.max_rto_ns && c.keepalive_ns < c.idle_timeout_ns);
}

}  // namespace

Endpoint::Endpoint(const EndpointConfig& cfg, Transmitter& tx, EndpointHandler& handler)
    : cfg_(cfg),
      tx_(tx),
      handler_(handler),
      max_unit_(wire::max_unit_payload(cfg.mtu)),
      max_fragments_((cfg.max_message + max_unit_ - 1) / max_unit_),
      timers_(0),
      peers_(64) {
  check_config(cfg_);
  PTNET_ASSERT(max_fragments_ <= cfg_.rx_window && max_fragments_ <= 0xFFFF);
  PTNET_ASSERT(sodium_init() >= 0);
  uint8_t key[CookieJar::kKeyBytes];
  if (cfg_.rng_seed != 0) {
    rng_.reseed(cfg_.rng_seed);
    for (uint8_t& b : key) b = uint8_t(rng_.next());
  } else {
    uint64_t seed;
    randombytes_buf(&seed, sizeof seed);
    rng_.reseed(seed);
    randombytes_buf(key, sizeof key);
  }
  cookies_.rotate(key);
  notices_.reserve(16);
  graveyard_.reserve(16);
}

Endpoint::~Endpoint() {
  for (Peer* p : slots_) {
    if (p != nullptr) free_peer(*p);
  }
}

void Endpoint::note_time(uint64_t now) {
  if (now > now_) now_ = now;
  if (rotate_at_ == 0 && cfg_.role == Role::Server) rotate_at_ = now + cfg_.secret_rotation_ns;
}

Peer* Endpoint::lookup(ConnId id) const {
  if (id.slot >= slots_.size() || gens_[id.slot] != id.gen) return nullptr;
  return slots_[id.slot];
}

Peer* Endpoint::find(const SockAddr& addr, uint64_t hash) const {
  const uint32_t slot = by_addr_.find(hash, [&](uint32_t s) { return slots_[s]->addr == addr; });
  return slot == AddrTable::kNone ? nullptr : slots_[slot];
}

Peer* Endpoint::alloc_peer(const SockAddr& addr, uint64_t hash, uint64_t now) {
  if (peer_count_ >= cfg_.max_peers) return nullptr;
  Peer* p = peers_.create();
  if (p == nullptr) return nullptr;
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = uint32_t(slots_.size());
    slots_.push_back(nullptr);
    gens_.push_back(1);
  }
  slots_[slot] = p;
  p->id = ConnId{slot, gens_[slot]};
  p->endpoint = this;
  p->addr = addr;
  p->addr_hash = hash;
  p->timer.set(&Endpoint::on_peer_timer, p);
  p->last_recv_ns = p->last_send_ns = p->last_ping_ns = p->hs_started_ns = now;
  p->rtt.reset(cfg_.initial_rtt_ns);
  p->cc.reset(cfg_.mtu, cfg_.initial_cwnd_packets, cfg_.min_cwnd_packets, cfg_.max_cwnd);
  p->sent.reset(cfg_.initial_seq);
  p->reorder_threshold = uint8_t(cfg_.packet_threshold);
  p->next_rseq = p->next_useq = p->peer_rcv_next = cfg_.initial_seq;
  by_addr_.insert(hash, slot);
  ++peer_count_;
  ++counters_.peers;
  if (counters_.peers > counters_.peers_peak) counters_.peers_peak = counters_.peers;
  return p;
}

// Both sides, once the handshake is done: the peer's first unit number and window.
void Endpoint::start_session(Peer& p, uint32_t peer_first_rseq, uint16_t peer_window, uint64_t now) {
  p.state = PeerState::Established;
  p.deliver_next = p.rcv_next = peer_first_rseq;
  p.peer_capacity = peer_window;
  p.peer_limit = p.next_rseq + peer_window;
  p.last_window = advertised_window(p);
  p.last_recv_ns = now;
  ++counters_.handshakes_completed;
  rearm(p);
}

// The application hears of the end now (at the end of the current call);
// the record may live on (time-wait) but its ConnId is stale from here.
void Endpoint::end_session(Peer& p, DisconnectReason why) {
  if (p.state == PeerState::TimeWait || p.state == PeerState::Dead) return;
  notices_.push_back(Notice{p.id, why});
  gens_[p.id.slot] = ConnId::next_gen(gens_[p.id.slot]);
  p.reason = why;
  if (why == DisconnectReason::Timeout) ++counters_.timeouts;
  if (why == DisconnectReason::ClosedByPeer) ++counters_.closed_by_peer;
  if (why == DisconnectReason::ClosedLocally) ++counters_.closed_locally;
}

// Unreachable from the wire from here on; freed at the end of the current call.
void Endpoint::destroy_later(Peer& p) {
  if (p.state == PeerState::Dead) return;
  if (gens_[p.id.slot] == p.id.gen) gens_[p.id.slot] = ConnId::next_gen(gens_[p.id.slot]);
  by_addr_.erase(p.addr_hash, p.id.slot);
  timers_.cancel(p.timer);
  p.state = PeerState::Dead;
  graveyard_.push_back(&p);
}

// Frees everything on the send side: queues, in-flight units, the ring.
void Endpoint::drop_send_state(Peer& p) {
  free_queue(p, p.retx);
  free_queue(p, p.fresh);
  free_queue(p, p.unrel);
  while (!p.sent.empty()) {
    SentPacket& rec = p.sent.at(p.sent.base_pn());
    for (Unit* u = rec.units; u != nullptr;) {
      Unit* next = u->next;
      free_unit(p, u);
      u = next;
    }
    rec.units = nullptr;
    rec.in_flight = 0;
    p.sent.trim();
  }
  p.sent.release(pool_);
  p.bytes_in_flight = 0;
}

void Endpoint::free_peer(Peer& p) {
  timers_.cancel(p.timer);
  drop_send_state(p);
  p.rx.clear(pool_);
  if (p.dirty) unlink_dirty(p);
  slots_[p.id.slot] = nullptr;
  free_slots_.push_back(p.id.slot);
  --peer_count_;
  --counters_.peers;
  peers_.destroy(&p);
}

// End of every public call that may have ended sessions: tell the
// application, then free the records (callbacks may end more sessions).
void Endpoint::finish_call() {
  if (notifying_) return;
  notifying_ = true;
  for (size_t i = 0; i < notices_.size(); ++i) {
    const Notice n = notices_[i];
    handler_.on_disconnect(n.id, n.why);
  }
  notices_.clear();
  notifying_ = false;
  for (size_t i = 0; i < graveyard_.size(); ++i) free_peer(*graveyard_[i]);
  graveyard_.clear();
}

void Endpoint::mark_dirty(Peer& p) {
  if (p.dirty) return;
  p.dirty = true;
  p.dirty_next = dirty_;
  dirty_ = &p;
}

void Endpoint::unlink_dirty(Peer& p) {
  for (Peer** pp = &dirty_; *pp != nullptr; pp = &(*pp)->dirty_next) {
    if (*pp == &p) {
      *pp = p.dirty_next;
      break;
    }
  }
  p.dirty = false;
}

void Endpoint::rearm(Peer& p) {
  const uint64_t d = peer_deadline(p);
  if (d == UINT64_MAX) return;
  if (!p.timer.armed() || d < p.timer.deadline_ns()) timers_.schedule(p.timer, d);
}

Unit* Endpoint::new_unit(size_t len) {
  uint8_t cls = 0;
  auto* u = static_cast<Unit*>(pool_.allocate(sizeof(Unit) + (len == 0 ? 1 : len), &cls));
  if (u == nullptr) return nullptr;
  u->next = nullptr;
  u->len = uint16_t(len);
  u->frag_index = u->frag_count = 0;
  u->cls = cls;
  return u;
}

void Endpoint::free_unit(Peer& p, Unit* u) {
  PTNET_ASSERT(p.queued_bytes >= u->len);
  p.queued_bytes -= u->len;
  pool_.deallocate(u, u->cls);
}

void Endpoint::free_queue(Peer& p, UnitQueue& q) {
  while (!q.empty()) free_unit(p, q.pop_front());
}

ConnId Endpoint::connect(const SockAddr& server, uint64_t now_ns) {
  note_time(now_ns);
  const uint64_t hash = server.hash();
  if (cfg_.role != Role::Client || find(server, hash) != nullptr) return ConnId{};
  Peer* p = alloc_peer(server, hash, now_ns);
  if (p == nullptr) return ConnId{};
  p->state = PeerState::HelloSent;
  p->nonce = rng_.next();
  p->hs_pending = true;
  ++counters_.handshakes_started;
  mark_dirty(*p);
  return p->id;
}

int Endpoint::send(ConnId id, Channel ch, const uint8_t* data, size_t len, uint64_t now_ns) {
  note_time(now_ns);
  Peer* p = lookup(id);
  if (p == nullptr || !p->open()) return -ENOTCONN;
  const int rc = ch == Channel::Reliable ? queue_reliable(*p, data, len) : queue_unreliable(*p, data, len);
  if (rc == 0) {
    ++p->stats.messages_out;
    mark_dirty(*p);
  }
  return rc;
}

int Endpoint::queue_unreliable(Peer& p, const uint8_t* data, size_t len) {
  if (len > max_unit_) return -EMSGSIZE;
  if (p.queued_bytes + len > cfg_.max_send_queue) return -ENOBUFS;
  Unit* u = new_unit(len);
  if (u == nullptr) return -ENOMEM;
  u->kind = wire::kKindUnreliable;
  u->seq = p.next_useq++;
  if (len != 0) std::memcpy(u->data(), data, len);
  p.queued_bytes += uint32_t(len);
  p.unrel.push_back(u);
  return 0;
}

int Endpoint::queue_reliable(Peer& p, const uint8_t* data, size_t len) {
  if (len > cfg_.max_message) return -EMSGSIZE;
  const size_t frags = len <= max_unit_ ? 1 : (len + max_unit_ - 1) / max_unit_;
  if (frags > p.peer_capacity) return -EMSGSIZE;
  if (p.queued_bytes + len > cfg_.max_send_queue) return -ENOBUFS;
  UnitQueue q;
  for (size_t i = 0, off = 0; i < frags; ++i) {
    const size_t n = frags == 1 ? len : (len - off < max_unit_ ? len - off : max_unit_);
    Unit* u = new_unit(n);
    if (u == nullptr) {
      free_queue(p, q);
      return -ENOMEM;
    }
    u->kind = frags == 1 ? wire::kKindReliable : wire::kKindFragment;
    u->frag_index = uint16_t(frags == 1 ? 0 : i);
    u->frag_count = uint16_t(frags == 1 ? 0 : frags);
    if (n != 0) std::memcpy(u->data(), data + off, n);
    p.queued_bytes += uint32_t(n);
    q.push_back(u);
    off += n;
  }
  while (!q.empty()) {
    Unit* u = q.pop_front();
    u->seq = p.next_rseq++;
    p.fresh.push_back(u);
  }
  return 0;
}

void Endpoint::close(ConnId id, uint64_t now_ns) {
  note_time(now_ns);
  Peer* p = lookup(id);
  if (p == nullptr) return;
  if (p->state == PeerState::HelloSent || p->state == PeerState::ConnectSent) {
    end_session(*p, DisconnectReason::ClosedLocally);
    destroy_later(*p);  // the next flush() reports it
    return;
  }
  if (p->state != PeerState::Established) return;
  p->state = PeerState::Closing;
  free_queue(*p, p->unrel);
  mark_dirty(*p);
}

void Endpoint::set_paused(ConnId id, bool paused) {
  Peer* p = lookup(id);
  if (p == nullptr || p->paused == paused) return;
  p->paused = paused;
  if (!paused) mark_dirty(*p);
}

const PeerStats* Endpoint::stats(ConnId id) const {
  Peer* p = lookup(id);
  if (p == nullptr) return nullptr;
  PeerStats& s = p->stats;
  s.srtt_ns = p->rtt.has_sample() ? p->rtt.srtt_ns() : 0;
  s.rttvar_ns = p->rtt.has_sample() ? p->rtt.rttvar_ns() : 0;
  s.min_rtt_ns = p->rtt.min_rtt_ns();
  s.latest_rtt_ns = p->rtt.latest_ns();
  s.rtt_samples = p->rtt.samples();
  s.rto_ns = rto_ns(*p);
  s.rto_backoff = p->backoff;
  s.reorder_threshold = p->reorder_threshold;
  s.cwnd = p->cc.cwnd();
  s.ssthresh = p->cc.ssthresh();
  s.bytes_in_flight = p->bytes_in_flight;
  s.peer_window = seq_gt(p->peer_limit, p->next_rseq) ? p->peer_limit - p->next_rseq : 0;
  s.send_queue_bytes = p->queued_bytes;
  s.reorder_units = p->rx.count();
  s.reorder_bytes = p->rx.bytes();
  return &s;
}

uint64_t Endpoint::next_deadline_ns() const {
  uint64_t d = timers_.next_deadline_ns();
  if (pace_deadline_ < d) d = pace_deadline_;
  if (rotate_at_ != 0 && rotate_at_ < d) d = rotate_at_;
  return d;
}

}  // namespace ptnet::rudp
