// The 14-byte RUDP header: every level against a byte-by-byte reference,
// round trips for every burst size up to 40, exactly 14 bytes read and
// written, and the inline single-header helpers.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "tests/simd/SimdTest.h"

namespace ptnet::simd::test {
namespace {

// Byte by byte, from the wire diagram: type | seq | ack | window | checksum | flags.
void reference_encode(const Header14& h, uint8_t* w) {
  w[0] = h.type;
  for (int i = 0; i < 4; ++i) w[1 + i] = uint8_t(h.seq >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) w[5 + i] = uint8_t(h.ack >> (24 - 8 * i));
  w[9] = uint8_t(h.window >> 8);
  w[10] = uint8_t(h.window);
  w[11] = uint8_t(h.checksum >> 8);
  w[12] = uint8_t(h.checksum);
  w[13] = h.flags;
}

Header14 reference_decode(const uint8_t* w) {
  Header14 h{};
  h.type = w[0];
  for (int i = 0; i < 4; ++i) h.seq = h.seq << 8 | w[1 + i];
  for (int i = 0; i < 4; ++i) h.ack = h.ack << 8 | w[5 + i];
  h.window = uint16_t(w[9] << 8 | w[10]);
  h.checksum = uint16_t(w[11] << 8 | w[12]);
  h.flags = w[13];
  return h;
}

Header14 random_header(std::mt19937& rng) {
  Header14 h{};
  h.seq = uint32_t(rng());
  h.ack = uint32_t(rng());
  h.window = uint16_t(rng());
  h.checksum = uint16_t(rng());
  h.type = uint8_t(rng());
  h.flags = uint8_t(rng());
  return h;
}

void expect_same(const Header14& a, const Header14& b, size_t i) {
  EXPECT_EQ(a.seq, b.seq) << i;
  EXPECT_EQ(a.ack, b.ack) << i;
  EXPECT_EQ(a.window, b.window) << i;
  EXPECT_EQ(a.checksum, b.checksum) << i;
  EXPECT_EQ(a.type, b.type) << i;
  EXPECT_EQ(a.flags, b.flags) << i;
}

// Wire slots at odd offsets with guard bytes between them.
struct WireArena {
  static constexpr size_t kStride = 14 + 9;
  static constexpr uint8_t kGuard = 0xA5;
  std::vector<uint8_t> bytes;
  std::vector<uint8_t*> slots;

  explicit WireArena(size_t n) : bytes(n * kStride + 16, kGuard) {
    for (size_t i = 0; i < n; ++i) slots.push_back(bytes.data() + 5 + i * kStride + (i % 2) * 2);
  }
  bool guards_intact() const {
    std::vector<bool> in(bytes.size(), false);
    for (uint8_t* s : slots) {
      for (size_t k = 0; k < 14; ++k) in[size_t(s - bytes.data()) + k] = true;
    }
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (!in[i] && bytes[i] != kGuard) return false;
    }
    return true;
  }
};

class Header14Codec : public LevelTest {};

TEST_P(Header14Codec, EncodeWritesTheWireLayout) {
  const Header14 h{0x01020304u, 0x05060708u, 0x090A, 0x0B0C, 0x00, 0x0D};
  WireArena a(1);
  fn().encode_headers(&h, 1, a.slots.data());
  const uint8_t want[14] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D};
  EXPECT_EQ(std::memcmp(a.slots[0], want, 14), 0);
  EXPECT_TRUE(a.guards_intact());
}

TEST_P(Header14Codec, EncodeAgreesWithTheByteByByteReference) {
  std::mt19937 rng(14);
  for (size_t n = 0; n <= 40; ++n) {
    std::vector<Header14> h;
    for (size_t i = 0; i < n; ++i) h.push_back(random_header(rng));
    WireArena a(n);
    fn().encode_headers(h.data(), n, a.slots.data());
    ASSERT_TRUE(a.guards_intact()) << n;
    for (size_t i = 0; i < n; ++i) {
      uint8_t want[14];
      reference_encode(h[i], want);
      ASSERT_EQ(std::memcmp(a.slots[i], want, 14), 0) << "n " << n << " header " << i;
    }
  }
}

TEST_P(Header14Codec, DecodeAgreesWithTheByteByByteReference) {
  std::mt19937 rng(41);
  for (size_t n = 0; n <= 40; ++n) {
    WireArena a(n);
    for (uint8_t* s : a.slots) {
      for (size_t k = 0; k < 14; ++k) s[k] = uint8_t(rng());
    }
    std::vector<Header14> out(n + 1);
    out[n].seq = 0xDEADBEEF;
    fn().decode_headers(a.slots.data(), n, out.data());
    EXPECT_EQ(out[n].seq, 0xDEADBEEF) << "wrote past out[n - 1]";
    for (size_t i = 0; i < n; ++i) expect_same(out[i], reference_decode(a.slots[i]), i);
  }
}

TEST_P(Header14Codec, RoundTripsEveryBurstSizeUpTo40) {
  std::mt19937 rng(2);
  for (size_t n = 0; n <= 40; ++n) {
    std::vector<Header14> h;
    for (size_t i = 0; i < n; ++i) h.push_back(random_header(rng));
    WireArena a(n);
    fn().encode_headers(h.data(), n, a.slots.data());
    std::vector<Header14> back(n);
    fn().decode_headers(a.slots.data(), n, back.data());
    for (size_t i = 0; i < n; ++i) expect_same(back[i], h[i], i);
  }
}

TEST_P(Header14Codec, ReadsAndWritesExactly14Bytes) {
  std::mt19937 rng(3);
  for (auto guard : {GuardedBuffer::Guard::After, GuardedBuffer::Guard::Before}) {
    std::vector<GuardedBuffer> bufs;
    std::vector<uint8_t*> slots;
    std::vector<Header14> h;
    for (size_t i = 0; i < 5; ++i) {
      bufs.emplace_back(14, guard);
      slots.push_back(bufs.back().data());
      h.push_back(random_header(rng));
    }
    fn().encode_headers(h.data(), h.size(), slots.data());  // a byte outside would fault
    std::vector<Header14> back(h.size());
    fn().decode_headers(slots.data(), slots.size(), back.data());
    for (size_t i = 0; i < h.size(); ++i) expect_same(back[i], h[i], i);
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, Header14Codec, kAllLevels, level_name);

TEST(Header14Inline, SingleHeaderHelpersMatchTheReference) {
  std::mt19937 rng(4);
  for (int i = 0; i < 1000; ++i) {
    const Header14 h = random_header(rng);
    uint8_t got[16], want[16];
    std::memset(got, 0x5A, sizeof got);
    encode_header(h, got + 1);
    reference_encode(h, want);
    EXPECT_EQ(std::memcmp(got + 1, want, 14), 0);
    EXPECT_EQ(got[0], 0x5A);
    EXPECT_EQ(got[15], 0x5A);
    expect_same(decode_header(got + 1), h, size_t(i));
  }
}

}  // namespace
}  // namespace ptnet::simd::test
