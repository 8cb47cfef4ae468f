// Framer: reassembly of length-prefixed frames across arbitrary stream splits.
#include "tcp/Framer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace ptnet::tcp {
namespace {

using Bytes = std::vector<uint8_t>;

void append_frame(Bytes& out, const Bytes& body, ByteOrder order) {
  uint8_t hdr[Framer::kHeaderSize];
  Framer::write_header(hdr, uint32_t(body.size()), order);
  out.insert(out.end(), hdr, hdr + sizeof hdr);
  out.insert(out.end(), body.begin(), body.end());
}

void append_header(Bytes& out, uint32_t len, ByteOrder order) {
  uint8_t hdr[Framer::kHeaderSize];
  Framer::write_header(hdr, len, order);
  out.insert(out.end(), hdr, hdr + sizeof hdr);
}

Bytes make_body(size_t len, uint8_t seed) {
  Bytes b(len);
  for (size_t i = 0; i < len; ++i) b[i] = uint8_t(seed + i * 7);
  return b;
}

// Bodies of varied sizes, including ones around the kept-buffer size.
std::vector<Bytes> sample_bodies() {
  std::vector<Bytes> bodies;
  const size_t sizes[] = {1, 2, 3, 4, 5, 17, 64, 255, 256, 257, 300, 1, 9};
  uint8_t seed = 1;
  for (size_t s : sizes) bodies.push_back(make_body(s, seed++));
  return bodies;
}

struct Collector {
  std::vector<Bytes> frames;
  bool operator()(const uint8_t* body, uint32_t len) {
    frames.emplace_back(body, body + len);
    return true;
  }
};

TEST(Framer, ManyFramesInOneFeedAreAllDeliveredInPlace) {
  Bytes stream;
  std::vector<Bytes> bodies = sample_bodies();
  for (const Bytes& b : bodies) append_frame(stream, b, ByteOrder::Little);
  Framer f(ByteOrder::Little, 1024);
  std::vector<Bytes> got;
  bool all_in_place = true;
  const FrameStatus st = f.feed(stream.data(), stream.size(), [&](const uint8_t* body, uint32_t len) {
    all_in_place &= body >= stream.data() && body + len <= stream.data() + stream.size();
    got.emplace_back(body, body + len);
    return true;
  });
  EXPECT_EQ(st, FrameStatus::Ok);
  EXPECT_EQ(got, bodies);
  EXPECT_TRUE(all_in_place);
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_EQ(f.assembly_capacity(), 0u);
}

TEST(Framer, StreamSplitAtEveryBytePositionReassembles) {
  for (ByteOrder order : {ByteOrder::Little, ByteOrder::Big}) {
    Bytes stream;
    std::vector<Bytes> bodies = sample_bodies();
    for (const Bytes& b : bodies) append_frame(stream, b, order);
    for (size_t cut = 0; cut <= stream.size(); ++cut) {
      Framer f(order, 1024);
      Collector c;
      ASSERT_EQ(f.feed(stream.data(), cut, c), FrameStatus::Ok);
      ASSERT_EQ(f.feed(stream.data() + cut, stream.size() - cut, c), FrameStatus::Ok);
      ASSERT_EQ(c.frames, bodies) << "cut at " << cut;
      ASSERT_EQ(f.buffered(), 0u);
    }
  }
}

TEST(Framer, StreamSplitAtEveryPairOfPositionsReassembles) {
  Bytes stream;
  std::vector<Bytes> bodies = {make_body(3, 1), make_body(9, 2), make_body(1, 3), make_body(20, 4)};
  for (const Bytes& b : bodies) append_frame(stream, b, ByteOrder::Big);
  for (size_t a = 0; a <= stream.size(); ++a) {
    for (size_t b = a; b <= stream.size(); ++b) {
      Framer f(ByteOrder::Big, 64);
      Collector c;
      ASSERT_EQ(f.feed(stream.data(), a, c), FrameStatus::Ok);
      ASSERT_EQ(f.feed(stream.data() + a, b - a, c), FrameStatus::Ok);
      ASSERT_EQ(f.feed(stream.data() + b, stream.size() - b, c), FrameStatus::Ok);
      ASSERT_EQ(c.frames, bodies) << "cuts at " << a << ", " << b;
    }
  }
}

TEST(Framer, StreamFedOneByteAtATimeReassembles) {
  Bytes stream;
  std::vector<Bytes> bodies = sample_bodies();
  for (const Bytes& b : bodies) append_frame(stream, b, ByteOrder::Little);
  Framer f(ByteOrder::Little, 1024);
  Collector c;
  size_t frame_start = 0;  // stream offset where the frame being assembled began
  for (size_t i = 0; i < stream.size(); ++i) {
    const size_t frames_before = c.frames.size();
    ASSERT_EQ(f.feed(&stream[i], 1, c), FrameStatus::Ok);
    if (c.frames.size() != frames_before) frame_start = i + 1;
    ASSERT_EQ(f.buffered(), i + 1 - frame_start) << "after byte " << i;
  }
  EXPECT_EQ(c.frames, bodies);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(Framer, BufferedCountsHeaderAndBodyBytesOfAPartialFrame) {
  Bytes stream;
  append_frame(stream, make_body(10, 5), ByteOrder::Little);
  Framer f(ByteOrder::Little, 64);
  Collector c;
  ASSERT_EQ(f.feed(stream.data(), 2, c), FrameStatus::Ok);
  EXPECT_EQ(f.buffered(), 2u);
  ASSERT_EQ(f.feed(stream.data() + 2, 5, c), FrameStatus::Ok);
  EXPECT_EQ(f.buffered(), 7u);
  ASSERT_EQ(f.feed(stream.data() + 7, stream.size() - 7, c), FrameStatus::Ok);
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_EQ(c.frames.size(), 1u);
}

TEST(Framer, HeaderByteOrderIsRespected) {
  uint8_t hdr[4];
  Framer::write_header(hdr, 0x01020304u, ByteOrder::Big);
  EXPECT_EQ(hdr[0], 0x01);
  EXPECT_EQ(hdr[3], 0x04);
  EXPECT_EQ(Framer::read_header(hdr, ByteOrder::Big), 0x01020304u);
  EXPECT_EQ(Framer::read_header(hdr, ByteOrder::Little), 0x04030201u);
  Framer::write_header(hdr, 0x01020304u, ByteOrder::Little);
  EXPECT_EQ(hdr[0], 0x04);
  EXPECT_EQ(hdr[3], 0x01);
  EXPECT_EQ(Framer::read_header(hdr, ByteOrder::Little), 0x01020304u);
}

TEST(Framer, BigEndianFramerReadsBigEndianLengths) {
  // {0,0,0,3} is 3 in big-endian (and 50331648 in little-endian: too large).
  const Bytes stream = {0, 0, 0, 3, 'a', 'b', 'c'};
  Framer big(ByteOrder::Big, 1024);
  Collector c;
  EXPECT_EQ(big.feed(stream.data(), stream.size(), c), FrameStatus::Ok);
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(std::string(c.frames[0].begin(), c.frames[0].end()), "abc");

  Framer little(ByteOrder::Little, 1024);
  Collector c2;
  EXPECT_EQ(little.feed(stream.data(), stream.size(), c2), FrameStatus::TooLarge);
  EXPECT_TRUE(c2.frames.empty());
}

TEST(Framer, ZeroLengthHeaderIsRejected) {
  Bytes stream;
  append_frame(stream, make_body(4, 1), ByteOrder::Little);
  append_header(stream, 0, ByteOrder::Little);
  append_frame(stream, make_body(4, 2), ByteOrder::Little);
  Framer f(ByteOrder::Little, 64);
  Collector c;
  EXPECT_EQ(f.feed(stream.data(), stream.size(), c), FrameStatus::ZeroLength);
  EXPECT_EQ(c.frames.size(), 1u);  // only the frame before the bad header
  EXPECT_EQ(f.status(), FrameStatus::ZeroLength);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(Framer, ZeroLengthHeaderSplitAcrossFeedsIsRejected) {
  Bytes stream;
  append_header(stream, 0, ByteOrder::Big);
  Framer f(ByteOrder::Big, 64);
  Collector c;
  EXPECT_EQ(f.feed(stream.data(), 3, c), FrameStatus::Ok);
  EXPECT_EQ(f.feed(stream.data() + 3, 1, c), FrameStatus::ZeroLength);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(Framer, OversizedHeaderIsRejectedBeforeAnyAllocation) {
  Bytes stream;
  append_header(stream, 0x7fffffffu, ByteOrder::Little);
  stream.resize(stream.size() + 100, 0xab);  // some of the would-be body
  Framer f(ByteOrder::Little, 65536);
  bool called = false;
  const FrameStatus st = f.feed(stream.data(), stream.size(), [&](const uint8_t*, uint32_t) {
    called = true;
    return true;
  });
  EXPECT_EQ(st, FrameStatus::TooLarge);
  EXPECT_FALSE(called);
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_EQ(f.assembly_capacity(), 0u);
}

TEST(Framer, OversizedHeaderSplitAcrossFeedsIsRejectedBeforeAnyAllocation) {
  Bytes stream;
  append_header(stream, 65537, ByteOrder::Big);
  stream.resize(stream.size() + 100, 0xab);
  Framer f(ByteOrder::Big, 65536);
  bool called = false;
  auto cb = [&](const uint8_t*, uint32_t) {
    called = true;
    return true;
  };
  EXPECT_EQ(f.feed(stream.data(), 1, cb), FrameStatus::Ok);
  EXPECT_EQ(f.feed(stream.data() + 1, stream.size() - 1, cb), FrameStatus::TooLarge);
  EXPECT_FALSE(called);
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_EQ(f.assembly_capacity(), 0u);
}

TEST(Framer, FrameOfExactlyMaxFrameIsAccepted) {
  const uint32_t max = 1000;
  Bytes stream;
  append_frame(stream, make_body(max, 3), ByteOrder::Little);
  Framer f(ByteOrder::Little, max);
  Collector c;
  EXPECT_EQ(f.feed(stream.data(), stream.size(), c), FrameStatus::Ok);
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.frames[0].size(), max);
  // And split, through the assembly buffer.
  Framer g(ByteOrder::Little, max);
  Collector c2;
  EXPECT_EQ(g.feed(stream.data(), 10, c2), FrameStatus::Ok);
  EXPECT_EQ(g.feed(stream.data() + 10, stream.size() - 10, c2), FrameStatus::Ok);
  EXPECT_EQ(c2.frames, c.frames);
}

TEST(Framer, FrameOfMaxFramePlusOneIsRejected) {
  const uint32_t max = 1000;
  Bytes stream;
  append_frame(stream, make_body(max + 1, 3), ByteOrder::Little);
  Framer f(ByteOrder::Little, max);
  Collector c;
  EXPECT_EQ(f.feed(stream.data(), stream.size(), c), FrameStatus::TooLarge);
  EXPECT_TRUE(c.frames.empty());
}

TEST(Framer, PoisonedFramerKeepsReturningTheError) {
  Bytes bad;
  append_header(bad, 5000, ByteOrder::Little);
  Bytes good;
  append_frame(good, make_body(8, 1), ByteOrder::Little);
  Framer f(ByteOrder::Little, 4096);
  Collector c;
  EXPECT_EQ(f.feed(bad.data(), bad.size(), c), FrameStatus::TooLarge);
  EXPECT_EQ(f.feed(good.data(), good.size(), c), FrameStatus::TooLarge);
  EXPECT_EQ(f.feed(good.data(), 0, c), FrameStatus::TooLarge);
  EXPECT_TRUE(c.frames.empty());
  EXPECT_EQ(f.status(), FrameStatus::TooLarge);
}

TEST(Framer, ResetClearsPoisonAndPartialFrame) {
  Bytes bad;
  append_header(bad, 0, ByteOrder::Little);
  Bytes good;
  append_frame(good, make_body(300, 1), ByteOrder::Little);
  Framer f(ByteOrder::Little, 4096);
  Collector c;
  EXPECT_EQ(f.feed(bad.data(), bad.size(), c), FrameStatus::ZeroLength);
  f.reset();
  EXPECT_EQ(f.status(), FrameStatus::Ok);
  EXPECT_EQ(f.feed(good.data(), 50, c), FrameStatus::Ok);
  EXPECT_GT(f.buffered(), 0u);
  f.reset();
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_EQ(f.assembly_capacity(), 0u);
  EXPECT_EQ(f.feed(good.data(), good.size(), c), FrameStatus::Ok);
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.frames[0].size(), 300u);
}

TEST(Framer, OnFrameReturningFalseStopsProcessing) {
  Bytes stream;
  for (uint8_t i = 0; i < 5; ++i) append_frame(stream, make_body(6, i), ByteOrder::Little);
  Framer f(ByteOrder::Little, 64);
  int calls = 0;
  const FrameStatus st = f.feed(stream.data(), stream.size(), [&](const uint8_t*, uint32_t) {
    ++calls;
    return calls < 2;
  });
  EXPECT_EQ(st, FrameStatus::Ok);
  EXPECT_EQ(calls, 2);
}

TEST(Framer, OnFrameReturningFalseOnAnAssembledFrameStopsProcessing) {
  Bytes stream;
  for (uint8_t i = 0; i < 3; ++i) append_frame(stream, make_body(6, i), ByteOrder::Little);
  Framer f(ByteOrder::Little, 64);
  int calls = 0;
  auto cb = [&](const uint8_t*, uint32_t) {
    ++calls;
    return false;
  };
  EXPECT_EQ(f.feed(stream.data(), 5, cb), FrameStatus::Ok);  // header + 1 body byte
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(f.feed(stream.data() + 5, stream.size() - 5, cb), FrameStatus::Ok);
  EXPECT_EQ(calls, 1);
}

TEST(Framer, LargeFrameSplitAcrossManyFeedsReassembles) {
  const size_t len = 64 * 1024;
  const Bytes body = make_body(len, 42);
  Bytes stream;
  append_frame(stream, body, ByteOrder::Big);
  append_frame(stream, make_body(5, 1), ByteOrder::Big);
  Framer f(ByteOrder::Big, 64 * 1024);
  Collector c;
  const size_t chunk = 1000;  // not a divisor of anything interesting
  for (size_t off = 0; off < stream.size(); off += chunk) {
    const size_t n = std::min(chunk, stream.size() - off);
    ASSERT_EQ(f.feed(stream.data() + off, n, c), FrameStatus::Ok);
    if (c.frames.empty() && off + n > Framer::kHeaderSize) {
      EXPECT_EQ(f.buffered(), off + n);
    }
  }
  ASSERT_EQ(c.frames.size(), 2u);
  EXPECT_EQ(c.frames[0], body);
  EXPECT_EQ(c.frames[1], make_body(5, 1));
}

TEST(Framer, BigAssemblyBufferIsFreedWhenItsFrameCompletes) {
  Bytes stream;
  append_frame(stream, make_body(4096, 1), ByteOrder::Little);
  Framer f(ByteOrder::Little, 8192);
  Collector c;
  ASSERT_EQ(f.feed(stream.data(), 100, c), FrameStatus::Ok);
  EXPECT_GE(f.assembly_capacity(), 4096u);
  ASSERT_EQ(f.feed(stream.data() + 100, stream.size() - 100, c), FrameStatus::Ok);
  EXPECT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(f.assembly_capacity(), 0u);
}

TEST(Framer, SmallAssemblyBufferIsKeptForReuse) {
  Bytes stream;
  append_frame(stream, make_body(100, 1), ByteOrder::Little);
  Framer f(ByteOrder::Little, 8192);
  Collector c;
  ASSERT_EQ(f.feed(stream.data(), 10, c), FrameStatus::Ok);
  ASSERT_EQ(f.feed(stream.data() + 10, stream.size() - 10, c), FrameStatus::Ok);
  EXPECT_EQ(c.frames.size(), 1u);
  EXPECT_GT(f.assembly_capacity(), 0u);
  EXPECT_LE(f.assembly_capacity(), Framer::kKeepBufferMax);
}

TEST(Framer, MovedFramerContinuesThePartialFrame) {
  Bytes stream;
  append_frame(stream, make_body(40, 9), ByteOrder::Little);
  Framer a(ByteOrder::Little, 64);
  Collector c;
  ASSERT_EQ(a.feed(stream.data(), 20, c), FrameStatus::Ok);
  Framer b(std::move(a));
  EXPECT_EQ(a.buffered(), 0u);
  ASSERT_EQ(b.feed(stream.data() + 20, stream.size() - 20, c), FrameStatus::Ok);
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.frames[0], make_body(40, 9));
}

}  // namespace
}  // namespace ptnet::tcp
