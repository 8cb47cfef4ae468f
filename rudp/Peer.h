// One connection's state inside an Endpoint: identity, handshake, the send
// side (queues, sent-packet records, RTT, congestion, pacing), the receive
// side (packet ranges, ack scheduling, reorder window) and statistics. About
// 800 bytes; everything that grows with traffic (queued units, the
// sent-packet ring, the reorder ring) is BlockPool memory taken on demand and
// given back, so an idle connection costs just this record.
//
// Reliable units are numbered in one space per direction (rseq), unreliable
// messages in another (useq); packet numbers (pn) are never reused.
//
//   send:    peer_rcv_next <= unacked ... < next_rseq,  sendable while rseq < peer_limit
//   receive: deliver_next <= rcv_next <= held ... < deliver_next + rx_window
//
// Threads: one owner thread (the Endpoint's). Ownership: owned by the
// Endpoint (ObjectPool); it owns its units and rings and frees them through
// the Endpoint's BlockPool.
#pragma once

#include <cstdint>

#include "base/ConnId.h"
#include "base/SockAddr.h"
#include "core/Timer.h"
#include "rudp/AckRanges.h"
#include "rudp/Congestion.h"
#include "rudp/DisconnectReason.h"
#include "rudp/Pacer.h"
#include "rudp/PeerState.h"
#include "rudp/PeerStats.h"
#include "rudp/ReorderBuffer.h"
#include "rudp/RttEstimator.h"
#include "rudp/SentPacketRing.h"
#include "rudp/Unit.h"

namespace ptnet::rudp {

class Endpoint;

struct Peer {
  // --- identity ---
  Timer timer;                 // one per peer, armed at the earliest of its deadlines
  Endpoint* endpoint = nullptr;
  Peer* dirty_next = nullptr;  // Endpoint's list of peers with something to send
  SockAddr addr;
  uint64_t addr_hash = 0;
  ConnId id;
  uint32_t key = 0;            // session checksum seed
  uint64_t nonce = 0;          // the client's handshake nonce
  PeerState state = PeerState::HelloSent;
  DisconnectReason reason = DisconnectReason::Timeout;
  bool dirty = false;
  bool paused = false;         // the application holds delivery (set_paused)
  bool hs_pending = false;     // client: (re)send HELLO / CONNECT at the next flush
  bool ping_pending = false;
  bool close_pending = false;  // (re)send CLOSE at the next flush
  bool close_ack_pending = false;
  bool ack_now = false;        // send an ack at the next flush, data or not

  // --- handshake, close, time-wait ---
  uint32_t cookie_issued = 0;
  uint64_t cookie_mac = 0;
  uint64_t hs_started_ns = 0;
  uint64_t hs_sent_ns = 0;
  uint64_t state_deadline = UINT64_MAX;  // handshake / CLOSE retransmission, time-wait end
  uint32_t tries = 0;                    // handshake or CLOSE transmissions so far

  // --- liveness ---
  uint64_t last_recv_ns = 0;
  uint64_t last_send_ns = 0;
  uint64_t last_ping_ns = 0;
  uint64_t last_data_ns = 0;   // last data packet sent (the sent ring is given back after keepalive_ns without)

  // --- send side ---
  SentPacketRing sent;
  UnitQueue retx;              // reliable units declared lost, to send again first
  UnitQueue fresh;             // reliable units never sent
  UnitQueue unrel;             // unreliable messages waiting for the next flush
  uint32_t next_rseq = 0;
  uint32_t next_useq = 0;
  uint32_t peer_rcv_next = 0;  // the peer's cumulative unit ack
  uint32_t peer_limit = 0;     // the peer accepts rseq < peer_limit
  uint32_t peer_capacity = 0;  // the peer's whole window (from the handshake)
  uint32_t bytes_in_flight = 0;
  uint32_t queued_bytes = 0;   // payload bytes of every unit held on the send side
  uint32_t largest_acked = 0;
  bool has_largest_acked = false;
  uint8_t backoff = 0;
  uint8_t reorder_threshold = 3;  // packet threshold in use: grows with the reordering seen
  uint8_t loss_delay_eighths = 9; // time threshold in use, in eighths of an RTT: grows likewise
  uint8_t recent_lost_next = 0;
  uint8_t recent_lost_live = 0;
  struct LostPacket {
    uint32_t pn;
    uint32_t largest_acked;        // when it was declared lost
  } recent_lost[4] = {};           // to recognise a loss declared too early (a late ack of it)
  uint64_t loss_time = UINT64_MAX;
  uint64_t rto_base_ns = 0;    // RTO runs from here: the send that started a flight, or the last ack of new data
  RttEstimator rtt;
  Congestion cc;
  Pacer pacer;

  // --- receive side ---
  AckRanges ranges;
  uint64_t largest_recv_ns = 0;
  uint64_t ack_deadline = UINT64_MAX;
  uint32_t ack_pending = 0;    // ack-eliciting packets not yet acked
  uint32_t deliver_next = 0;
  uint32_t rcv_next = 0;
  uint32_t last_useq = 0;
  bool has_useq = false;
  uint16_t last_window = 0;    // window last advertised
  ReorderBuffer rx;

  PeerStats stats;

  bool open() const { return state == PeerState::Established; }
  bool in_session() const {
    return state == PeerState::Established || state == PeerState::Closing || state == PeerState::CloseSent;
  }
};

}  // namespace ptnet::rudp
