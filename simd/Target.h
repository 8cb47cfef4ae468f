// Internal: the function attributes that compile one function for a wider
// instruction set than the project's -march=x86-64-v2, so the vector bodies
// live in their own .cc files and nothing else in the binary uses AVX2. Every
// function (including inline helpers and templates) that touches a 256-bit
// intrinsic carries PTNET_TARGET_AVX2.
//
// Threads: no state.
#pragma once

#define PTNET_TARGET_AVX2 __attribute__((target("avx2")))
#define PTNET_TARGET_SSE42 __attribute__((target("sse4.2")))
