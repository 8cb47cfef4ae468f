#include "core/ShardCounters.h"

namespace ptnet {

const char* counter_name(Counter c) {
  switch (c) {
    case Counter::Accepted: return "accepted";
    case Counter::Closed: return "closed";
    case Counter::FramesIn: return "frames_in";
    case Counter::FramesOut: return "frames_out";
    case Counter::BytesIn: return "bytes_in";
    case Counter::BytesOut: return "bytes_out";
    case Counter::ErrFrameZero: return "err_frame_zero";
    case Counter::ErrFrameTooLarge: return "err_frame_too_large";
    case Counter::ErrSendQueueFull: return "err_send_queue_full";
    case Counter::ErrRecv: return "err_recv";
    case Counter::ErrSend: return "err_send";
    case Counter::ErrAccept: return "err_accept";
    case Counter::ErrConnLimit: return "err_conn_limit";
    case Counter::RecvNoBuffers: return "recv_no_buffers";
    case Counter::MailboxFull: return "mailbox_full";
    case Counter::MailboxMessages: return "mailbox_messages";
    case Counter::LoopPasses: return "loop_passes";
    case Counter::ErrFrameTimeout: return "err_frame_timeout";
    case Counter::IdleTimeouts: return "idle_timeouts";
    case Counter::DatagramsIn: return "datagrams_in";
    case Counter::DatagramsOut: return "datagrams_out";
    case Counter::BytesInUdp: return "bytes_in_udp";
    case Counter::BytesOutUdp: return "bytes_out_udp";
    case Counter::ErrDatagram: return "err_datagram";
    case Counter::ErrDatagramSend: return "err_datagram_send";
    case Counter::ErrDatagramRecv: return "err_datagram_recv";
    case Counter::kCount: break;
  }
  return "?";
}

}  // namespace ptnet
