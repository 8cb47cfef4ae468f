// Endpoint: timers. One Timer per peer on a TimerWheel, armed at the
// earliest of the peer's deadlines (handshake retransmission, idle timeout,
// delayed ack, loss time, RTO, keep-alive, CLOSE retransmission, time-wait).
// It is only moved earlier on the data path; when it fires early the
// deadlines are recomputed and it is armed again, so keep-alive and idle
// bookkeeping cost nothing per packet.
#include "rudp/Endpoint.h"

namespace ptnet::rudp {

void Endpoint::on_timer(uint64_t now_ns) {
  note_time(now_ns);
  if (rotate_at_ != 0 && now_ns >= rotate_at_) {
    rotate_secret();
    rotate_at_ = now_ns + cfg_.secret_rotation_ns;
  }
  timers_.advance(now_ns);
  finish_call();
}

void Endpoint::on_peer_timer(Timer& t, uint64_t now) {
  Peer* p = static_cast<Peer*>(t.ctx());
  p->endpoint->peer_timer(*p, now);
}

void Endpoint::peer_timer(Peer& p, uint64_t now) {
  switch (p.state) {
    case PeerState::Dead:
      return;
    case PeerState::HelloSent:
    case PeerState::ConnectSent:
      if (now - p.hs_started_ns >= cfg_.handshake_timeout_ns) {
        ++counters_.handshakes_timed_out;
        end_session(p, DisconnectReason::HandshakeTimeout);
        destroy_later(p);
        return;
      }
      if (now >= p.state_deadline && !p.hs_pending) {
        p.hs_pending = true;
        mark_dirty(p);
      }
      break;
    case PeerState::TimeWait:
      if (now >= p.state_deadline) {
        destroy_later(p);
        return;
      }
      break;
    default:
      session_timer(p, now);
      if (p.state == PeerState::Dead) return;
  }
  rearm(p);
}

void Endpoint::session_timer(Peer& p, uint64_t now) {
  if (now >= p.last_recv_ns + cfg_.idle_timeout_ns) {
    end_session(p, DisconnectReason::Timeout);
    destroy_later(p);
    return;
  }
  if (p.state == PeerState::CloseSent && now >= p.state_deadline && !p.close_pending) {
    if (p.tries > cfg_.close_retries) {
      end_session(p, DisconnectReason::ClosedLocally);
      destroy_later(p);
      return;
    }
    p.close_pending = true;
    mark_dirty(p);
  }
  if (p.ack_deadline <= now) {
    p.ack_now = true;
    p.ack_deadline = UINT64_MAX;
    mark_dirty(p);
  }
  if (p.loss_time <= now) detect_lost(p, now);
  if (rto_deadline(p) <= now) on_rto(p, now);
  const uint64_t heard = p.last_recv_ns > p.last_ping_ns ? p.last_recv_ns : p.last_ping_ns;
  if (p.state == PeerState::Established && p.bytes_in_flight == 0 && now >= heard + cfg_.keepalive_ns) {
    p.ping_pending = true;
    p.last_ping_ns = now;
    mark_dirty(p);
  }
  if (p.sent.empty() && p.sent.capacity() != 0 && now >= p.last_data_ns + cfg_.keepalive_ns) p.sent.release(pool_);
}

uint64_t Endpoint::peer_deadline(const Peer& p) const {
  auto lower = [](uint64_t& d, uint64_t v) {
    if (v < d) d = v;
  };
  uint64_t d = UINT64_MAX;
  switch (p.state) {
    case PeerState::Dead:
      return UINT64_MAX;
    case PeerState::HelloSent:
    case PeerState::ConnectSent:
      if (!p.hs_pending) lower(d, p.state_deadline);
      lower(d, p.hs_started_ns + cfg_.handshake_timeout_ns);
      return d;
    case PeerState::TimeWait:
      return p.state_deadline;
    default:
      break;
  }
  d = p.last_recv_ns + cfg_.idle_timeout_ns;
  lower(d, p.ack_deadline);
  lower(d, p.loss_time);
  lower(d, rto_deadline(p));
  if (p.state == PeerState::CloseSent && !p.close_pending) lower(d, p.state_deadline);
  if (p.state == PeerState::Established && p.bytes_in_flight == 0) {
    lower(d, (p.last_recv_ns > p.last_ping_ns ? p.last_recv_ns : p.last_ping_ns) + cfg_.keepalive_ns);
  }
  if (p.sent.empty() && p.sent.capacity() != 0) lower(d, p.last_data_ns + cfg_.keepalive_ns);
  return d;
}

}  // namespace ptnet::rudp
