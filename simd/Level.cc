// to_string() and detected(): the CPU probe behind the dispatch.
//
// Threads: any thread; the probe runs once (a function-local static).
#include "simd/Level.h"

namespace ptnet::simd {
namespace {

Level probe() {
  __builtin_cpu_init();  // may run before the constructor that normally does it
  // __builtin_cpu_supports("avx2") is false unless the OS saves YMM state (XGETBV).
  if (__builtin_cpu_supports("avx2")) return Level::Avx2;
  if (__builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("ssse3")) return Level::Sse42;
  return Level::Scalar;
}

}  // namespace

const char* to_string(Level l) {
  switch (l) {
    case Level::Scalar:
      return "scalar";
    case Level::Sse42:
      return "sse4.2";
    case Level::Avx2:
      return "avx2";
  }
  return "?";
}

Level detected() {
  static const Level level = probe();
  return level;
}

}  // namespace ptnet::simd
