// Internal: the per-level entry points behind the dispatched routines, for
// simd/Dispatch.cc, the tests and the benchmarks. Engine code calls the
// dispatched routines of simd/Simd.h instead.
//
// A *_sse42 function may run only when detected() >= Level::Sse42, an *_avx2
// one only when detected() == Level::Avx2 (they are compiled for those
// instruction sets and fault elsewhere). The *_scalar ones run anywhere.
//
// Threads: pure functions, any thread. Contracts as in the public headers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "simd/Header14.h"
#include "simd/VerifyBatch.h"

namespace ptnet::simd {

// checksum_scalar is public (simd/Checksum.h).
uint16_t checksum_sse42(const uint8_t* p, size_t n, uint32_t seed = 0);
uint16_t checksum_avx2(const uint8_t* p, size_t n, uint32_t seed = 0);

size_t verify_batch_scalar(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok);
size_t verify_batch_sse42(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok);
size_t verify_batch_avx2(const Span* d, size_t n, const uint32_t* seeds, uint8_t* ok);

void decode_headers_scalar(const uint8_t* const* src, size_t n, Header14* out);
void decode_headers_sse42(const uint8_t* const* src, size_t n, Header14* out);
void decode_headers_avx2(const uint8_t* const* src, size_t n, Header14* out);

void encode_headers_scalar(const Header14* h, size_t n, uint8_t* const* dst);
void encode_headers_sse42(const Header14* h, size_t n, uint8_t* const* dst);
void encode_headers_avx2(const Header14* h, size_t n, uint8_t* const* dst);

void fanout_copy_scalar(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len);
void fanout_copy_sse42(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len);
void fanout_copy_avx2(uint8_t* const* dst, size_t n, const uint8_t* src, size_t len);

}  // namespace ptnet::simd
