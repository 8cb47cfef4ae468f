#include "rudp/CookieJar.h"

#include <sodium.h>

#include <cstring>

#include "rudp/Wire.h"

namespace ptnet::rudp {

static_assert(crypto_shorthash_KEYBYTES == CookieJar::kKeyBytes, "SipHash key size");
static_assert(crypto_shorthash_BYTES == 8, "SipHash output size");

void CookieJar::rotate(const uint8_t (&key)[kKeyBytes]) {
  if (has_current_) {
    std::memcpy(previous_, current_, kKeyBytes);
    has_previous_ = true;
  }
  std::memcpy(current_, key, kKeyBytes);
  has_current_ = true;
}

uint64_t CookieJar::mac_with(const uint8_t* key, const SockAddr& addr, uint64_t nonce, uint32_t issued_ms) {
  uint8_t msg[sizeof(SockAddr) + 12];
  std::memcpy(msg, &addr, sizeof(SockAddr));
  wire::store64(msg + sizeof(SockAddr), nonce);
  wire::store32(msg + sizeof(SockAddr) + 8, issued_ms);
  uint8_t out[crypto_shorthash_BYTES];
  crypto_shorthash(out, msg, sizeof msg, key);
  return wire::load64(out);
}

bool CookieJar::verify(const SockAddr& addr, uint64_t nonce, uint32_t issued_ms, uint64_t mac,
                       uint32_t now_ms, uint32_t lifetime_ms) const {
  if (!has_current_ || uint32_t(now_ms - issued_ms) > lifetime_ms) return false;
  if (mac_with(current_, addr, nonce, issued_ms) == mac) return true;
  return has_previous_ && mac_with(previous_, addr, nonce, issued_ms) == mac;
}

}  // namespace ptnet::rudp
