// The SIMD levels the dispatched routines of simd/ can run at, and which one
// they use. The level is probed once (the first call of detected() or of any
// dispatched routine) with __builtin_cpu_supports, which also checks that the
// OS saves the YMM registers before it reports AVX2.
//
//   Scalar  no hand-written vectors: the scalar twins (the project is built
//           for x86-64-v2, so the compiler may still use SSE4.2 in them)
//   Sse42   16-byte vectors (SSE4.2 and the SSSE3 byte shuffle)
//   Avx2    32-byte vectors (those bodies alone are compiled for AVX2)
//
// Threads: detected(), active() and to_string() may be called from any
// thread. force() is meant for the start of a program, a test or a
// benchmark: it is not ordered against dispatched calls running concurrently
// on other threads (each such call uses either the old or the new level).
#pragma once

#include <cstdint>

namespace ptnet::simd {

enum class Level : uint8_t { Scalar, Sse42, Avx2 };

// "scalar", "sse4.2", "avx2".
const char* to_string(Level);

// The best level this CPU supports.
Level detected();

// The level the dispatched routines use: detected() unless force()d lower.
Level active();

// Makes the dispatched routines use `l`, clamped to detected() (forcing Avx2
// on a CPU without it gives detected()). force(detected()) restores the default.
void force(Level l);

}  // namespace ptnet::simd
