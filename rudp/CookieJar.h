// The server's stateless handshake cookies: a keyed hash (libsodium
// crypto_shorthash, SipHash-2-4) of the client's address and port, its nonce
// and the time the cookie was issued, under a secret that rotates. A cookie
// verifies under the current or the previous secret and while younger than
// its lifetime, so one secret rotation later it still works and two later it
// cannot (its secret is gone).
//
//   cookie = issued_ms u32 || mac u64
//   mac    = SipHash-2-4(secret, SockAddr bytes (24) || nonce u64 BE || issued_ms u32 BE)
//
// Threads: one owner thread. Ownership: holds its two 16-byte secrets.
#pragma once

#include <cstdint>

#include "base/SockAddr.h"

namespace ptnet::rudp {

class CookieJar {
 public:
  static constexpr unsigned kKeyBytes = 16;

  // Installs a new current secret; the old one becomes the previous.
  void rotate(const uint8_t (&key)[kKeyBytes]);

  uint64_t mac(const SockAddr& addr, uint64_t nonce, uint32_t issued_ms) const {
    return mac_with(current_, addr, nonce, issued_ms);
  }
  // True when `mac` is right under either secret and the cookie is at most
  // `lifetime_ms` old (ages are wrap-safe modulo 2^32 ms).
  bool verify(const SockAddr& addr, uint64_t nonce, uint32_t issued_ms, uint64_t mac, uint32_t now_ms,
              uint32_t lifetime_ms) const;

 private:
  static uint64_t mac_with(const uint8_t* key, const SockAddr& addr, uint64_t nonce, uint32_t issued_ms);

  uint8_t current_[kKeyBytes] = {};
  uint8_t previous_[kKeyBytes] = {};
  bool has_current_ = false;
  bool has_previous_ = false;  // never true before a second secret exists
};

}  // namespace ptnet::rudp
