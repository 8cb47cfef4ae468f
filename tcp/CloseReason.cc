#include "tcp/CloseReason.h"

namespace ptnet::tcp {

const char* to_string(CloseReason r) {
  switch (r) {
    case CloseReason::PeerClosed: return "peer closed";
    case CloseReason::RecvError: return "receive error";
    case CloseReason::SendError: return "send error";
    case CloseReason::BadFrame: return "bad frame length";
    case CloseReason::SlowReader: return "slow reader";
    case CloseReason::Handler: return "closed by handler";
    case CloseReason::LingerTimeout: return "linger timeout";
    case CloseReason::Shutdown: return "shutdown";
    case CloseReason::FrameTimeout: return "frame timeout";
    case CloseReason::IdleTimeout: return "idle timeout";
  }
  return "?";
}

}  // namespace ptnet::tcp
