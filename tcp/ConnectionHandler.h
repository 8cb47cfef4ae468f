// What the application plugs into the TCP layer: one handler per shard,
// called on that shard's thread only.
#pragma once

#include <cstdint>

#include <cstddef>

#include "tcp/ByteOrder.h"
#include "tcp/CloseReason.h"
#include "tcp/FrameStatus.h"

namespace ptnet::tcp {

class Connection;
class TcpService;

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  virtual void on_open(TcpService& tcp, Connection& c) { (void)tcp, (void)c; }
  // With TcpConfig::detect_order: the byte order of this connection's length
  // headers, chosen from its first `n` bytes.
  virtual ByteOrder detect_order(const uint8_t* first, size_t n, ByteOrder fallback) {
    (void)first, (void)n;
    return fallback;
  }
  // One complete frame (header stripped); `body` is valid only during the
  // call. Return false to close the connection.
  virtual bool on_frame(TcpService& tcp, Connection& c, const uint8_t* body, uint32_t len) = 0;
  // The stream carried a bad length header. The handler may queue a last
  // frame (an error report); the connection then closes once it is flushed.
  virtual void on_bad_frame(TcpService& tcp, Connection& c, FrameStatus s) { (void)tcp, (void)c, (void)s; }
  virtual void on_close(TcpService& tcp, Connection& c, CloseReason r) { (void)tcp, (void)c, (void)r; }
};

}  // namespace ptnet::tcp
