// A socket address as a small value: IPv4 or IPv6, with port. Compared and
// hashed as bytes, so it can key a peer table (RUDP) or an admission table
// (per-IP limits) without touching sockaddr_storage's 128 bytes.
//
// Plain data; any thread.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace ptnet {

struct SockAddr {
  uint16_t family = 0;     // AF_INET, AF_INET6, or 0 (none)
  uint16_t port = 0;       // host byte order
  uint32_t scope_id = 0;   // IPv6 scope (0 otherwise)
  uint8_t ip[16] = {};     // IPv4 in the first 4 bytes, the rest zero

  // From a kernel address (recvmsg's msg_name, accept's peer). False, and
  // *this unchanged, for a family that is neither IPv4 nor IPv6.
  bool from_sockaddr(const sockaddr* sa, socklen_t len);
  // Into a kernel address (sendmsg's msg_name); returns its length.
  socklen_t to_sockaddr(sockaddr_storage* out) const;
  // Parses "127.0.0.1", "::1" or "localhost" plus a port; false if neither family parses.
  bool parse(const std::string& host, uint16_t port);
  // "127.0.0.1:5000" or "[::1]:5000".
  std::string to_string() const;

  // Equal addresses hash equally (within a process: the hash is seeded with
  // a per-process secret); mixes every byte that takes part in ==.
  uint64_t hash() const;
  // The address without the port (per-IP limits).
  SockAddr host_only() const {
    SockAddr a = *this;
    a.port = 0;
    return a;
  }

  friend bool operator==(const SockAddr& a, const SockAddr& b) {
    return std::memcmp(&a, &b, sizeof(SockAddr)) == 0;
  }
};

static_assert(sizeof(SockAddr) == 24, "SockAddr is compared as bytes: no padding");

}  // namespace ptnet
