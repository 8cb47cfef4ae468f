// Why a connection was closed; reported to the handler and counted.
#pragma once

#include <cstdint>

namespace ptnet::tcp {

enum class CloseReason : uint8_t {
  PeerClosed,    // orderly end of stream
  RecvError,     // reset or other receive error
  SendError,     // send failed
  BadFrame,      // zero or oversized length header: the stream cannot be trusted
  SlowReader,    // output queue over --max-send-queue
  Handler,       // the application asked
  LingerTimeout, // close-after-flush did not flush in time
  Shutdown,      // server stopping
  FrameTimeout,  // a started frame was not completed in time (slowloris)
  IdleTimeout,   // silent past the idle timeout
};

const char* to_string(CloseReason r);

}  // namespace ptnet::tcp
