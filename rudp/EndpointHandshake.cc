// Endpoint: the handshake. The server keeps no state before a valid cookie
// comes back, and answers an unverified address with one datagram no larger
// than the one it received (a HELLO of at least min_hello bytes gets a
// 35-byte COOKIE): never more than 3x. Replies are queued and leave at the
// next flush().
//
//   client                                    server
//     | HELLO  (nonce, padded to min_hello)      |
//     |----------------------------------------->|  stateless
//     |           COOKIE (nonce, issued, mac)    |
//     |<-----------------------------------------|
//     | CONNECT (nonce, issued, mac; seq, window)|
//     |----------------------------------------->|  cookie ok: peer created, on_connect
//     |      ACCEPT (nonce, key; seq, window)    |
//     |<-----------------------------------------|  on_connect (client)
#include <sodium.h>

#include <cstring>

#include "rudp/Endpoint.h"
#include "rudp/Wire.h"
#include "simd/Simd.h"

namespace ptnet::rudp {

namespace {

uint32_t now_ms(uint64_t now_ns) { return uint32_t(now_ns / 1'000'000); }

// Writes header + body at out with the handshake seed; returns the length.
size_t build_handshake(uint8_t* out, uint8_t type, const uint8_t* body, size_t n, size_t pad_to, uint32_t seq,
                       uint32_t ack, uint16_t window) {
  const size_t len = wire::kHeaderSize + n > pad_to ? wire::kHeaderSize + n : pad_to;
  std::memcpy(out + wire::kHeaderSize, body, n);
  std::memset(out + wire::kHeaderSize + n, 0, len - wire::kHeaderSize - n);
  simd::Header14 h{};
  h.type = type;
  h.seq = seq;
  h.ack = ack;
  h.window = window;
  simd::encode_header(h, out);
  wire::store_checksum(out, simd::checksum(out, len, wire::kHandshakeSeed));
  return len;
}

}  // namespace

void Endpoint::on_handshake(const simd::Header14& h, const RxDatagram& d, uint64_t now) {
  const uint8_t* b = d.data + wire::kHeaderSize;
  const size_t n = d.len - wire::kHeaderSize;
  if (n < wire::kHelloBody || b[0] != wire::kVersion || h.flags != 0) {
    ++counters_.malformed;
    return;
  }
  if (cfg_.role == Role::Server) {
    if (h.type == wire::kHello) {
      on_hello(d, now);
    } else if (h.type == wire::kConnect) {
      on_connect_packet(h, d, now);
    } else {
      ++counters_.handshake_ignored;
    }
    return;
  }
  Peer* p = find(d.from, d.from.hash());
  if (p == nullptr || p->nonce != wire::load64(b + 1)) {
    ++counters_.handshake_ignored;
    return;
  }
  if (h.type == wire::kCookie && p->state == PeerState::HelloSent && n >= wire::kCookieBody) {
    on_cookie(*p, d, now);
  } else if (h.type == wire::kAccept && p->state == PeerState::ConnectSent && n >= wire::kAcceptBody) {
    on_accept(*p, h, d, now);
  } else if (h.type == wire::kRefuse && (p->state == PeerState::HelloSent || p->state == PeerState::ConnectSent)) {
    ++counters_.handshakes_refused;
    end_session(*p, DisconnectReason::Refused);
    destroy_later(*p);
  } else {
    ++counters_.handshake_ignored;
  }
}

void Endpoint::on_hello(const RxDatagram& d, uint64_t now) {
  if (d.len < cfg_.min_hello) {
    ++counters_.amplification_limited;  // answering would send more than 3x what came in
    return;
  }
  const uint64_t nonce = wire::load64(d.data + wire::kHeaderSize + 1);
  const uint32_t issued = now_ms(now);
  uint8_t body[wire::kCookieBody];
  body[0] = wire::kVersion;
  wire::store64(body + 1, nonce);
  wire::store32(body + 9, issued);
  wire::store64(body + 13, cookies_.mac(d.from, nonce, issued));
  ++counters_.hellos;
  queue_reply(d.from, wire::kCookie, body, sizeof body, 0, 0, 0);
}

void Endpoint::on_connect_packet(const simd::Header14& h, const RxDatagram& d, uint64_t now) {
  const uint8_t* b = d.data + wire::kHeaderSize;
  if (d.len < wire::kHeaderSize + wire::kCookieBody) {
    ++counters_.malformed;
    return;
  }
  const uint64_t nonce = wire::load64(b + 1);
  const uint32_t lifetime = uint32_t(cfg_.cookie_lifetime_ns / 1'000'000);
  if (!cookies_.verify(d.from, nonce, wire::load32(b + 9), wire::load64(b + 13), now_ms(now), lifetime)) {
    ++counters_.bad_cookie;
    return;
  }
  const uint64_t hash = d.from.hash();
  if (Peer* old = find(d.from, hash)) {
    if (old->nonce == nonce) {  // our ACCEPT was lost: the same answer again
      if (old->in_session()) send_accept(*old);
      return;
    }
    ++counters_.replaced;
    end_session(*old, DisconnectReason::Replaced);
    destroy_later(*old);
  }
  Peer* p = alloc_peer(d.from, hash, now);
  if (p == nullptr) {
    ++counters_.handshakes_refused;
    uint8_t body[wire::kRefuseBody] = {wire::kVersion};
    wire::store64(body + 1, nonce);
    body[9] = 1;
    queue_reply(d.from, wire::kRefuse, body, sizeof body, 0, 0, 0);
    return;
  }
  p->nonce = nonce;
  p->key = uint32_t(rng_.next());
  start_session(*p, h.ack, h.window, now);
  send_accept(*p);
  handler_.on_connect(p->id, p->addr);
}

void Endpoint::send_accept(Peer& p) {
  uint8_t body[wire::kAcceptBody];
  body[0] = wire::kVersion;
  wire::store64(body + 1, p.nonce);
  wire::store32(body + 9, p.key);
  queue_reply(p.addr, wire::kAccept, body, sizeof body, cfg_.initial_seq, cfg_.initial_seq,
              uint16_t(cfg_.rx_window));
}

void Endpoint::on_cookie(Peer& p, const RxDatagram& d, uint64_t now) {
  const uint8_t* b = d.data + wire::kHeaderSize;
  p.cookie_issued = wire::load32(b + 9);
  p.cookie_mac = wire::load64(b + 13);
  if (p.tries == 1) p.rtt.on_sample(now - p.hs_sent_ns, 0);
  p.state = PeerState::ConnectSent;
  p.tries = 0;
  p.hs_pending = true;
  mark_dirty(p);
}

void Endpoint::on_accept(Peer& p, const simd::Header14& h, const RxDatagram& d, uint64_t now) {
  p.key = wire::load32(d.data + wire::kHeaderSize + 9);
  if (p.tries == 1) p.rtt.on_sample(now - p.hs_sent_ns, 0);
  p.state_deadline = UINT64_MAX;
  start_session(p, h.ack, h.window, now);
  handler_.on_connect(p.id, p.addr);
}

void Endpoint::queue_reply(const SockAddr& to, uint8_t type, const uint8_t* body, size_t n, uint32_t seq,
                           uint32_t ack, uint16_t window) {
  if (reply_count_ == kReplies) {
    ++counters_.replies_dropped;
    return;
  }
  if (replies_ == nullptr) replies_.reset(new Reply[kReplies]);
  Reply& r = replies_[reply_count_++];
  r.to = to;
  r.len = uint8_t(build_handshake(r.bytes, type, body, n, 0, seq, ack, window));
}

void Endpoint::emit_replies() {
  size_t i = 0;
  for (; i < reply_count_; ++i) {
    uint8_t* buf = tx_.tx_buffer();
    if (buf == nullptr) {
      ++counters_.tx_buffer_unavailable;
      break;
    }
    std::memcpy(buf, replies_[i].bytes, replies_[i].len);
    tx_.tx_commit(buf, replies_[i].len, replies_[i].to);
    ++counters_.datagrams_out;
    counters_.bytes_out += replies_[i].len;
  }
  for (size_t j = i; j < reply_count_; ++j) replies_[j - i] = replies_[j];
  reply_count_ -= i;
}

// Client: HELLO or CONNECT, first time or again after handshake_rto << tries.
void Endpoint::send_handshake(Peer& p, uint64_t now) {
  uint8_t* buf = tx_.tx_buffer();
  if (buf == nullptr) {
    ++counters_.tx_buffer_unavailable;
    mark_dirty(p);
    return;
  }
  uint8_t body[wire::kCookieBody];
  body[0] = wire::kVersion;
  wire::store64(body + 1, p.nonce);
  size_t len;
  if (p.state == PeerState::HelloSent) {
    len = build_handshake(buf, wire::kHello, body, wire::kHelloBody, cfg_.min_hello, 0, 0, 0);
  } else {
    wire::store32(body + 9, p.cookie_issued);
    wire::store64(body + 13, p.cookie_mac);
    len = build_handshake(buf, wire::kConnect, body, wire::kCookieBody, 0, cfg_.initial_seq, cfg_.initial_seq,
                          uint16_t(cfg_.rx_window));
  }
  tx_.tx_commit(buf, len, p.addr);
  ++counters_.datagrams_out;
  counters_.bytes_out += len;
  ++p.stats.datagrams_out;
  p.stats.bytes_out += len;
  p.hs_pending = false;
  p.hs_sent_ns = now;
  p.state_deadline = now + (cfg_.handshake_rto_ns << (p.tries < 16 ? p.tries : 16));
  ++p.tries;
}

void Endpoint::rotate_secret() {
  uint8_t key[CookieJar::kKeyBytes];
  if (cfg_.rng_seed != 0) {
    for (uint8_t& b : key) b = uint8_t(rng_.next());
  } else {
    randombytes_buf(key, sizeof key);
  }
  cookies_.rotate(key);
}

}  // namespace ptnet::rudp
