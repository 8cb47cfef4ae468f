// The public header of simd/: runtime-dispatched (AVX2 / SSE4.2 / scalar)
// routines of the data path. Each routine has a scalar twin, and the tests
// prove every level returns exactly what the scalar twin returns.
//
//   Level.h        detected(), active(), force(): which level runs
//   Checksum.h     checksum(): RFC 1071 Internet checksum, seeded
//   VerifyBatch.h  verify_batch(): checksums of a burst of datagrams
//   Header14.h     decode_headers() / encode_headers(): the 14-byte RUDP header
//   FanoutCopy.h   fanout_copy(): one frame to many send buffers
//
// The per-level entry points (checksum_avx2, ...) are in simd/Kernels.h, for
// tests and benchmarks only.
//
// Threads: pure functions, any thread (force() aside: see Level.h).
#pragma once

#include "simd/Checksum.h"
#include "simd/FanoutCopy.h"
#include "simd/Header14.h"
#include "simd/Level.h"
#include "simd/VerifyBatch.h"
