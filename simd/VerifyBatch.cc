// verify_batch for the scalar and SSE4.2 levels: one datagram after the
// other through that level's checksum (each checksum already runs at full
// width on one datagram; the AVX2 level interleaves, see VerifyBatchAvx2.cc).
//
// Threads: pure functions, any thread.
#include "simd/Checksum.h"
#include "simd/Kernels.h"

namespace ptnet::simd {
namespace {

template <uint16_t (*Checksum)(const uint8_t*, size_t, uint32_t)>
size_t verify_each(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok) {
  size_t good = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t v = Checksum(d[i].data, d[i].len, seeds != nullptr ? seeds[i] : 0) == 0;
    ok[i] = v;
    good += v;
  }
  return good;
}

}  // namespace

size_t verify_batch_scalar(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok) {
  return verify_each<checksum_scalar>(d, n, seeds, ok);
}

size_t verify_batch_sse42(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok) {
  return verify_each<checksum_sse42>(d, n, seeds, ok);
}

}  // namespace ptnet::simd
