// Socket helpers for the TCP layer (setup path only, never per message).
#pragma once

#include <cstdint>
#include <string>

namespace ptnet::tcp {

// A non-blocking listening socket on host:port (IPv4 or IPv6 literal, or
// "localhost"), SO_REUSEADDR, and SO_REUSEPORT when `reuseport`. Returns the
// fd, or a negated errno.
int listen_tcp(const std::string& host, uint16_t port, int backlog, bool reuseport);

// The local port a socket is bound to, or 0.
uint16_t local_port(int fd);

// TCP_NODELAY on an accepted socket; returns 0 or a negated errno.
int set_nodelay(int fd);

}  // namespace ptnet::tcp
