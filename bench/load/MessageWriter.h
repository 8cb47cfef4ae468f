// Appends messages to a connection's outgoing bytes as length-prefixed frames
//
//   +----------------------+------------------+----------------------+---
//   | u32 length (order)   | body (length)    | u32 length (order)   | ...
//   +----------------------+------------------+----------------------+---
//
// the framing tcp::Framer reads back (the header is written by
// tcp::Framer::write_header, in the connection's byte order). A traffic
// pattern writes bodies only: reserve() room for a body of at most
// `max_len` bytes, write it, commit() its real length. A datagram link would
// split the same frames back into messages.
//
// Threads: a stack object of the worker thread, alive for one fill().
// Ownership: writes into the caller's buffer; owns nothing.
#pragma once

#include <cstdint>

#include "tcp/ByteOrder.h"
#include "tcp/Framer.h"

namespace ptnet::load {

class MessageWriter {
 public:
  static constexpr uint32_t kHeader = uint32_t(tcp::Framer::kHeaderSize);

  // Bytes a message of `body` bytes takes in the buffer.
  static constexpr uint32_t framed(uint32_t body) { return kHeader + body; }

  MessageWriter(uint8_t* out, uint32_t room, tcp::ByteOrder order) : out_(out), room_(room), order_(order) {}

  // Where to write a body of up to `max_len` bytes, or nullptr when the
  // buffer has no room for it this pass.
  uint8_t* reserve(uint32_t max_len) {
    if (room_ - used_ < framed(max_len)) return nullptr;
    return out_ + used_ + kHeader;
  }
  // Seals the body written at the last reserve(): `len` <= its max_len.
  void commit(uint32_t len) {
    tcp::Framer::write_header(out_ + used_, len, order_);
    used_ += framed(len);
  }
  uint32_t used() const { return used_; }

 private:
  uint8_t* out_;
  uint32_t room_;
  uint32_t used_ = 0;
  tcp::ByteOrder order_;
};

}  // namespace ptnet::load
