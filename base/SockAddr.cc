#include "base/SockAddr.h"

#include <arpa/inet.h>
#include <sys/random.h>
#include <unistd.h>

#include <cstdio>

namespace ptnet {

bool SockAddr::from_sockaddr(const sockaddr* sa, socklen_t len) {
  if (sa->sa_family == AF_INET && len >= socklen_t(sizeof(sockaddr_in))) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(sa);
    *this = SockAddr{};
    family = AF_INET;
    port = ntohs(v4->sin_port);
    std::memcpy(ip, &v4->sin_addr, 4);
    return true;
  }
  if (sa->sa_family == AF_INET6 && len >= socklen_t(sizeof(sockaddr_in6))) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(sa);
    *this = SockAddr{};
    family = AF_INET6;
    port = ntohs(v6->sin6_port);
    scope_id = v6->sin6_scope_id;
    std::memcpy(ip, &v6->sin6_addr, 16);
    return true;
  }
  return false;
}

socklen_t SockAddr::to_sockaddr(sockaddr_storage* out) const {
  std::memset(out, 0, sizeof *out);
  if (family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(out);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::memcpy(&v4->sin_addr, ip, 4);
    return sizeof(sockaddr_in);
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(port);
  v6->sin6_scope_id = scope_id;
  std::memcpy(&v6->sin6_addr, ip, 16);
  return sizeof(sockaddr_in6);
}

bool SockAddr::parse(const std::string& host, uint16_t p) {
  const std::string h = host == "localhost" ? "127.0.0.1" : host;
  SockAddr a;
  if (inet_pton(AF_INET, h.c_str(), a.ip) == 1) {
    a.family = AF_INET;
  } else if (inet_pton(AF_INET6, h.c_str(), a.ip) == 1) {
    a.family = AF_INET6;
  } else {
    return false;
  }
  a.port = p;
  *this = a;
  return true;
}

std::string SockAddr::to_string() const {
  char ip_text[INET6_ADDRSTRLEN + 1] = {};
  inet_ntop(family == AF_INET ? AF_INET : AF_INET6, ip, ip_text, sizeof ip_text);
  char out[INET6_ADDRSTRLEN + 16];
  const int n = std::snprintf(out, sizeof out, family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip_text, unsigned(port));
  return std::string(out, n > 0 ? size_t(n) : 0);
}

namespace {

// A per-process secret mixed into every hash, so a remote peer choosing its
// addresses cannot aim them all at one probe cluster of a peer table.
uint64_t process_seed() {
  static const uint64_t seed = [] {
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, 0) != ssize_t(sizeof v)) v = uint64_t(getpid()) * 0x9E3779B97F4A7C15ull;
    return v | 1;
  }();
  return seed;
}

}  // namespace

uint64_t SockAddr::hash() const {
  // Three 64-bit words of address plus family/port/scope and the process
  // seed, mixed with the splitmix64 finaliser: cheap, and every byte of ==
  // takes part.
  uint64_t w[3];
  std::memcpy(w, this, sizeof w);
  uint64_t h = (w[0] ^ process_seed()) * 0x9E3779B97F4A7C15ull ^ w[1] ^ (w[2] * 0xC2B2AE3D27D4EB4Full);
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 31;
  return h;
}

}  // namespace ptnet
