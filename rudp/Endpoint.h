// A reliable-UDP endpoint (server or client role), sans-IO: datagrams and
// `now` go in (receive, on_timer), datagrams come out through a Transmitter
// (flush) and messages and events through an EndpointHandler. No sockets, no
// clock reads, no threads: the integrator owns all three. The wire format is
// in rudp/Wire.h and docs/rudp.md.
//
// Driving it, once per loop pass of the owner thread:
//
//   receive(burst, n, now)        for each burst of datagrams read (any number of calls)
//   if now >= next_deadline_ns(): on_timer(now)
//   flush(now)                    always last: everything queued in the pass leaves,
//                                 coalesced per peer, within cwnd, pacing and the peer's window
//   sleep until a datagram arrives or next_deadline_ns()
//
// send() and close() may be called at any time on the owner thread (from the
// handler's callbacks too); they only queue, and flush() transmits. Handler
// callbacks run only inside receive(), flush() and on_timer().
//
// Threads: one owner thread; not thread-safe.
// Ownership: holds references to the Transmitter and the handler (both must
// outlive it); owns its peers and every buffer (BlockPool slabs). Received
// datagrams are read only during receive(); nothing points into them after.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/ConnId.h"
#include "base/SockAddr.h"
#include "core/ObjectPool.h"
#include "core/TimerWheel.h"
#include "rudp/AckBlock.h"
#include "rudp/AddrTable.h"
#include "rudp/BlockPool.h"
#include "rudp/Channel.h"
#include "rudp/CookieJar.h"
#include "rudp/EndpointConfig.h"
#include "rudp/EndpointCounters.h"
#include "rudp/EndpointHandler.h"
#include "rudp/FrameReader.h"
#include "rudp/Peer.h"
#include "rudp/PeerStats.h"
#include "rudp/Rng.h"
#include "rudp/RxDatagram.h"
#include "rudp/Transmitter.h"
#include "simd/Header14.h"

namespace ptnet::rudp {

class Endpoint {
 public:
  Endpoint(const EndpointConfig& cfg, Transmitter& tx, EndpointHandler& handler);
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // A burst straight from recvmsg/recvmmsg: checksums batch-verified and
  // headers batch-decoded (simd), then each datagram processed in order.
  void receive(const RxDatagram* burst, size_t n, uint64_t now_ns);
  // Client role: starts a handshake (HELLO leaves at the next flush). An
  // invalid ConnId when this is a server, the address already has a
  // connection, or max_peers is reached.
  ConnId connect(const SockAddr& server, uint64_t now_ns);
  // Queues a message: 0, -ENOTCONN (unknown, stale, closing or not yet
  // established), -EMSGSIZE (reliable: over max_message or more fragments
  // than the peer's window; unreliable: over max_unit_payload()), -ENOBUFS
  // (over the peer's send budget), -ENOMEM.
  int send(ConnId peer, Channel ch, const uint8_t* data, size_t len, uint64_t now_ns);
  // Clean disconnect: what is reliable-queued is delivered first, then
  // CLOSE (answered by CLOSE_ACK, retried close_retries times). Messages that
  // arrive meanwhile are acked but not delivered. on_disconnect(ClosedLocally)
  // follows. During a handshake: ends it at once.
  void close(ConnId peer, uint64_t now_ns);
  // Holds (true) or resumes delivery to the application: held reliable
  // messages stay in the reorder window, which shrinks the advertised window
  // until the sender stops; unreliable ones are dropped. Resumed delivery
  // happens at the next flush().
  void set_paused(ConnId peer, bool paused);

  void flush(uint64_t now_ns);
  void on_timer(uint64_t now_ns);
  // When on_timer must run next (may be early, never late); UINT64_MAX: nothing pending.
  uint64_t next_deadline_ns() const;

  // A snapshot refreshed by each call; the pointer stays valid while the
  // connection lives. nullptr for an unknown or stale ConnId.
  const PeerStats* stats(ConnId peer) const;
  EndpointCounters counters() const { return counters_; }
  size_t peer_count() const { return peer_count_; }
  // Payload of the largest message sent without fragmentation.
  uint32_t max_unit_payload() const { return max_unit_; }
  const EndpointConfig& config() const { return cfg_; }
  // BlockPool bytes in use (queued data, rings): for memory tests.
  size_t pool_bytes() const { return pool_.bytes_in_use(); }

 private:
  static constexpr size_t kChunk = 64;     // datagrams verified/decoded together
  static constexpr size_t kReplies = 256;  // stateless handshake replies queued per pass
  static constexpr size_t kReplyBytes = 40;

  struct Reply {
    SockAddr to;
    uint8_t len;
    uint8_t bytes[kReplyBytes];
  };
  struct Notice {
    ConnId id;
    DisconnectReason why;
  };

  // Endpoint.cc: peers, slots, lifecycle
  Peer* lookup(ConnId id) const;
  Peer* find(const SockAddr& addr, uint64_t hash) const;
  Peer* alloc_peer(const SockAddr& addr, uint64_t hash, uint64_t now);
  void start_session(Peer& p, uint32_t peer_first_rseq, uint16_t peer_window, uint64_t now);
  void end_session(Peer& p, DisconnectReason why);
  void destroy_later(Peer& p);
  void free_peer(Peer& p);
  void finish_call();
  void note_time(uint64_t now);
  void mark_dirty(Peer& p);
  void unlink_dirty(Peer& p);
  void rearm(Peer& p);
  Unit* new_unit(size_t len);
  void free_unit(Peer& p, Unit* u);
  void free_queue(Peer& p, UnitQueue& q);
  void drop_send_state(Peer& p);
  int queue_reliable(Peer& p, const uint8_t* data, size_t len);
  int queue_unreliable(Peer& p, const uint8_t* data, size_t len);

  // EndpointReceive.cc
  void receive_chunk(const RxDatagram* d, size_t n, uint64_t now);
  bool classify(const RxDatagram& d, uint32_t* seed, Peer** peer);
  void on_session_packet(Peer& p, const simd::Header14& h, const RxDatagram& d, uint64_t now);
  bool validate_frames(const uint8_t* p, size_t n) const;
  void on_ack_eliciting(Peer& p, const simd::Header14& h, const uint8_t* frames, size_t n, uint64_t now);
  bool on_frames(Peer& p, const uint8_t* frames, size_t n);
  bool on_reliable(Peer& p, const Frame& f);
  void on_unreliable(Peer& p, const Frame& f);
  bool hold(Peer& p, const Frame& f);
  void schedule_ack(Peer& p, bool in_order, uint64_t now);
  void deliver_ready(Peer& p);
  bool deliver_fragments(Peer& p, Unit* first);
  void deliver(Peer& p, Channel ch, const uint8_t* data, size_t len);
  void on_close_packet(Peer& p, uint8_t type, uint64_t now);
  uint16_t advertised_window(const Peer& p) const;

  // EndpointAck.cc: loss recovery
  void on_ack_block(Peer& p, const AckBlock& a, uint16_t window, uint64_t now);
  bool ack_range(Peer& p, uint32_t lo, uint32_t hi, uint32_t largest, uint64_t* largest_sent);
  void on_acked(Peer& p, SentPacket& rec);
  void check_spurious_losses(Peer& p, const AckBlock& a);
  void declare_lost(Peer& p, uint32_t pn, bool congestion, uint64_t now);
  void detect_lost(Peer& p, uint64_t now);
  void prune_retx(Peer& p);
  void on_rto(Peer& p, uint64_t now);
  uint64_t rto_ns(const Peer& p) const;
  uint64_t rto_deadline(const Peer& p) const;

  // EndpointHandshake.cc
  void on_handshake(const simd::Header14& h, const RxDatagram& d, uint64_t now);
  void on_hello(const RxDatagram& d, uint64_t now);
  void on_connect_packet(const simd::Header14& h, const RxDatagram& d, uint64_t now);
  void on_cookie(Peer& p, const RxDatagram& d, uint64_t now);
  void on_accept(Peer& p, const simd::Header14& h, const RxDatagram& d, uint64_t now);
  void queue_reply(const SockAddr& to, uint8_t type, const uint8_t* body, size_t n, uint32_t seq,
                   uint32_t ack, uint16_t window);
  void send_accept(Peer& p);
  void emit_replies();
  void send_handshake(Peer& p, uint64_t now);
  void rotate_secret();

  // EndpointFlush.cc
  void flush_peer(Peer& p, uint64_t now);
  bool flush_data(Peer& p, uint64_t now);
  bool data_ready(const Peer& p) const;
  bool may_send_data(Peer& p, uint64_t now);
  size_t smallest_data_packet(const Peer& p) const;
  bool send_data_packet(Peer& p, uint64_t now);
  bool send_ping(Peer& p, uint64_t now);
  size_t fill_frames(Peer& p, uint8_t* begin, uint8_t* end, SentPacket* rec);
  bool send_control(Peer& p, uint8_t type, uint64_t now);
  size_t write_ack_block(Peer& p, uint8_t* out, uint64_t now);
  void after_ack_sent(Peer& p);
  void seal_and_commit(Peer& p, uint8_t* buf, size_t len, uint8_t type, uint32_t seq, uint8_t flags);
  void maybe_send_close(Peer& p, uint64_t now);

  // EndpointTimer.cc
  static void on_peer_timer(Timer& t, uint64_t now);
  void peer_timer(Peer& p, uint64_t now);
  void session_timer(Peer& p, uint64_t now);
  void teardown_timer(Peer& p, uint64_t now);
  uint64_t peer_deadline(const Peer& p) const;

  EndpointConfig cfg_;
  Transmitter& tx_;
  EndpointHandler& handler_;
  uint32_t max_unit_;
  uint32_t max_fragments_;
  uint64_t now_ = 0;

  TimerWheel timers_;
  BlockPool pool_;
  ObjectPool<Peer> peers_;
  std::vector<Peer*> slots_;
  std::vector<uint32_t> gens_;
  std::vector<uint32_t> free_slots_;
  AddrTable by_addr_;
  size_t peer_count_ = 0;
  Peer* dirty_ = nullptr;
  std::vector<Peer*> graveyard_;
  std::vector<Notice> notices_;
  bool notifying_ = false;

  CookieJar cookies_;
  Rng rng_;
  uint64_t rotate_at_ = 0;
  uint64_t pace_deadline_ = UINT64_MAX;
  std::unique_ptr<Reply[]> replies_;
  size_t reply_count_ = 0;
  std::unique_ptr<uint8_t[]> scratch_;  // reassembly of fragmented messages (max_message bytes)

  EndpointCounters counters_;
};

}  // namespace ptnet::rudp
