// The dispatch: one table of function pointers per level, and the public
// routines calling through the active one.
//
//   kScalar  { checksum_scalar, verify_batch_scalar, ... }
//   kSse42   { checksum_sse42,  verify_batch_sse42,  ... }   <- g_active (first use: detected(),
//   kAvx2    { checksum_avx2,   verify_batch_avx2,   ... }      or whatever force() chose)
//
// Threads: any thread. g_active is an atomic pointer to constant tables, so a
// first use racing on several threads stores the same pointer, and a force()
// racing with calls is seen by each call either before or after.
#include <atomic>

#include "base/Assert.h"
#include "simd/Kernels.h"
#include "simd/Simd.h"

namespace ptnet::simd {
namespace {

struct Kernels {
  Level level;
  uint16_t (*checksum)(const uint8_t*, size_t, uint32_t);
  size_t (*verify_batch)(const Span*, size_t, const uint32_t*, uint8_t*);
  void (*decode_headers)(const uint8_t* const*, size_t, Header14*);
  void (*encode_headers)(const Header14*, size_t, uint8_t* const*);
  void (*fanout_copy)(uint8_t* const*, size_t, const uint8_t*, size_t);
};

constexpr Kernels kScalar{Level::Scalar,         checksum_scalar,       verify_batch_scalar,
                          decode_headers_scalar, encode_headers_scalar, fanout_copy_scalar};
constexpr Kernels kSse42{Level::Sse42,          checksum_sse42,       verify_batch_sse42,
                         decode_headers_sse42,  encode_headers_sse42, fanout_copy_sse42};
constexpr Kernels kAvx2{Level::Avx2,          checksum_avx2,       verify_batch_avx2,
                        decode_headers_avx2,  encode_headers_avx2, fanout_copy_avx2};

std::atomic<const Kernels*> g_active{nullptr};

const Kernels& table(Level l) {
  switch (l) {
    case Level::Scalar:
      return kScalar;
    case Level::Sse42:
      return kSse42;
    case Level::Avx2:
      return kAvx2;
  }
  PTNET_ASSERT(!"unknown simd::Level");
  return kScalar;
}

const Kernels& kernels() {
  const Kernels* k = g_active.load(std::memory_order_relaxed);  // the tables are constants: nothing to acquire
  if (PTNET_UNLIKELY(k == nullptr)) {
    k = &table(detected());
    g_active.store(k, std::memory_order_relaxed);
  }
  return *k;
}

}  // namespace

Level active() { return kernels().level; }

void force(Level l) {
  const Level best = detected();
  g_active.store(&table(uint8_t(l) <= uint8_t(best) ? l : best), std::memory_order_relaxed);
}

uint16_t checksum(const uint8_t* p, size_t n, uint32_t seed) { return kernels().checksum(p, n, seed); }

size_t verify_batch(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok) {
  return kernels().verify_batch(d, n, seeds, ok);
}

void decode_headers(const uint8_t* const* src, size_t n, Header14* out) { kernels().decode_headers(src, n, out); }

void encode_headers(const Header14* h, size_t n, uint8_t* const* dst) { kernels().encode_headers(h, n, dst); }

void fanout_copy(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len) {
  kernels().fanout_copy(dst, n, src, len);
}

}  // namespace ptnet::simd
