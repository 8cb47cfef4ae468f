// Where an Endpoint (or a LinkImpairment) puts the datagrams it sends:
// implemented by the integrator (shard UDP service, load worker, test
// simulator).
//
// Protocol per datagram: tx_buffer() lends a buffer of at least kMaxDatagram
// bytes; the caller writes one datagram into it and hands it back with
// tx_commit(buf, len, to) before asking for the next buffer. tx_buffer()
// returns nullptr when the integrator has no room this pass: the endpoint
// keeps its data queued and tries again at the next flush().
//
// Threads: called on the endpoint's owner thread only.
// Ownership: the buffer is the integrator's; the endpoint writes it only
// between tx_buffer() and tx_commit() of the same datagram.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/SockAddr.h"

namespace ptnet::rudp {

// Largest datagram the protocol ever builds (EndpointConfig::mtu <= this):
// a 1500-byte Ethernet MTU less the IPv4 and UDP headers.
inline constexpr size_t kMaxDatagram = 1472;

class Transmitter {
 public:
  virtual ~Transmitter() = default;
  virtual uint8_t* tx_buffer() = 0;
  virtual void tx_commit(uint8_t* buf, size_t len, const SockAddr& to) = 0;
};

}  // namespace ptnet::rudp
