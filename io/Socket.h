// Socket setup helpers (setup path only, never per message): TCP listeners,
// UDP sockets, options.
#pragma once

#include <cstdint>
#include <string>

namespace ptnet::io {

// A non-blocking listening socket on host:port (IPv4 or IPv6 literal, or
// "localhost"), SO_REUSEADDR, and SO_REUSEPORT when `reuseport`. Returns the
// fd, or a negated errno.
int listen_tcp(const std::string& host, uint16_t port, int backlog, bool reuseport);

// A non-blocking UDP socket bound to host:port (IPv4 or IPv6 literal, or
// "localhost"; port 0: ephemeral), SO_REUSEPORT when `reuseport`, receive
// and send buffers of `buffer_bytes` when non-zero. Returns the fd, or a
// negated errno.
int bind_udp(const std::string& host, uint16_t port, bool reuseport, int buffer_bytes = 0);

// The local port a socket is bound to, or 0.
uint16_t local_port(int fd);

// SO_KEEPALIVE with the given first-probe delay, interval and probe count;
// returns 0 or a negated errno.
int set_keepalive(int fd, uint32_t idle_s, uint32_t interval_s, uint32_t count);

// TCP_NODELAY on an accepted socket; returns 0 or a negated errno.
int set_nodelay(int fd);

}  // namespace ptnet::io
