// Invariant checks that stay on in release builds: a broken invariant in a
// network engine is a bug to stop at, not to run past. Cheap checks only.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace ptnet::detail {
[[noreturn, gnu::cold]] inline void assert_fail(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "ptnet: assertion failed: %s (%s:%d)\n", expr, file, line);
  std::abort();
}
}  // namespace ptnet::detail

#define PTNET_ASSERT(cond) \
  (__builtin_expect(!!(cond), 1) ? (void)0 : ::ptnet::detail::assert_fail(#cond, __FILE__, __LINE__))

#define PTNET_LIKELY(x) __builtin_expect(!!(x), 1)
#define PTNET_UNLIKELY(x) __builtin_expect(!!(x), 0)
