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
    case Counter::kCount: break;
  }
  return "?";
}

}  // namespace ptnet
