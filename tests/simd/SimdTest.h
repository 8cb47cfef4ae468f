// Shared by the simd/ tests: the per-level entry points as a table, a
// fixture that runs a test once per level (skipping levels this CPU lacks),
// independent byte-by-byte references, and buffers flush against an
// inaccessible page so that a read or write one byte outside them faults.
#pragma once

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "simd/Kernels.h"
#include "simd/Simd.h"

namespace ptnet::simd::test {

struct LevelFns {
  Level level;
  uint16_t (*checksum)(const uint8_t*, size_t, uint32_t);
  size_t (*verify_batch)(const Span*, size_t, const uint32_t*, uint8_t*);
  void (*decode_headers)(const uint8_t* const*, size_t, Header14*);
  void (*encode_headers)(const Header14*, size_t, uint8_t* const*);
  void (*fanout_copy)(uint8_t* const*, size_t, const uint8_t*, size_t);
};

inline const LevelFns& fns(Level l) {
  static const LevelFns kTable[] = {
      {Level::Scalar, checksum_scalar, verify_batch_scalar, decode_headers_scalar, encode_headers_scalar,
       fanout_copy_scalar},
      {Level::Sse42, checksum_sse42, verify_batch_sse42, decode_headers_sse42, encode_headers_sse42,
       fanout_copy_sse42},
      {Level::Avx2, checksum_avx2, verify_batch_avx2, decode_headers_avx2, encode_headers_avx2, fanout_copy_avx2},
  };
  return kTable[uint8_t(l)];
}

inline bool supported(Level l) { return uint8_t(l) <= uint8_t(detected()); }

// A test body run once per level: GetParam() is the level, fn() its entry points.
class LevelTest : public testing::TestWithParam<Level> {
 protected:
  void SetUp() override {
    if (!supported(GetParam())) GTEST_SKIP() << to_string(GetParam()) << " is not supported by this CPU";
  }
  const LevelFns& fn() const { return fns(GetParam()); }
};

inline const auto kAllLevels = testing::Values(Level::Scalar, Level::Sse42, Level::Avx2);

inline std::string level_name(const testing::TestParamInfo<Level>& info) {
  switch (info.param) {
    case Level::Scalar:
      return "Scalar";
    case Level::Sse42:
      return "Sse42";
    case Level::Avx2:
      return "Avx2";
  }
  return "Unknown";
}

// RFC 1071 straight from its definition: big-endian words, byte by byte.
inline uint16_t reference_checksum(const uint8_t* p, size_t n, uint32_t seed = 0) {
  uint64_t sum = seed;
  for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t(p[i]) << 8 | p[i + 1];
  if (n & 1) sum += uint32_t(p[n - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return uint16_t(~sum);
}

inline std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = uint8_t(rng());
  return v;
}

// `size` bytes flush against a PROT_NONE page: after them (Guard::After) or
// before them (Guard::Before). There is an inaccessible page on both sides.
class GuardedBuffer {
 public:
  enum class Guard { After, Before };

  GuardedBuffer(size_t size, Guard guard) {
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    const size_t span = (size + page - 1) / page * page;
    total_ = span + 2 * page;
    void* m = mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) std::abort();
    base_ = static_cast<uint8_t*>(m);
    if (mprotect(base_, page, PROT_NONE) != 0 || mprotect(base_ + page + span, page, PROT_NONE) != 0) std::abort();
    data_ = guard == Guard::After ? base_ + page + span - size : base_ + page;
  }
  ~GuardedBuffer() {
    if (base_ != nullptr) munmap(base_, total_);
  }
  GuardedBuffer(GuardedBuffer&& o) noexcept : base_(o.base_), data_(o.data_), total_(o.total_) { o.base_ = nullptr; }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(GuardedBuffer&&) = delete;

  uint8_t* data() const { return data_; }

 private:
  uint8_t* base_;
  uint8_t* data_;
  size_t total_;
};

}  // namespace ptnet::simd::test
