// What ptnet-load puts on the wire and reads back: MessageWriter's frames are
// exactly what tcp::Framer reassembles (both byte orders, split anywhere),
// it refuses what does not fit, and EchoPayload verifies every byte.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "bench/load/EchoPayload.h"
#include "bench/load/MessageWriter.h"
#include "tcp/Framer.h"

namespace ptnet::load {
namespace {

// Writes echo messages of the given sizes with MessageWriter; returns the bytes.
std::vector<uint8_t> write_messages(tcp::ByteOrder order, const std::vector<uint32_t>& sizes) {
  std::vector<uint8_t> buf(4096);
  MessageWriter out(buf.data(), uint32_t(buf.size()), order);
  for (uint32_t i = 0; i < sizes.size(); ++i) {
    uint8_t* body = out.reserve(sizes[i]);
    EXPECT_NE(body, nullptr);
    EchoPayload::encode(body, sizes[i], 7, i, 1000 + i);
    out.commit(sizes[i]);
  }
  buf.resize(out.used());
  return buf;
}

TEST(LoadMessageTest, FramerReadsBackWhatTheWriterFramedInBothByteOrders) {
  const std::vector<uint32_t> sizes = {24, 64, 25, 300, 31};
  for (tcp::ByteOrder order : {tcp::ByteOrder::Little, tcp::ByteOrder::Big}) {
    const std::vector<uint8_t> wire = write_messages(order, sizes);
    uint32_t total = 0;
    for (uint32_t s : sizes) total += MessageWriter::framed(s);
    ASSERT_EQ(wire.size(), total);
    // Every split point: the framer reassembles the same messages.
    for (size_t cut = 0; cut <= wire.size(); ++cut) {
      tcp::Framer framer(order, 1024);
      uint64_t seq = 0;
      auto on_frame = [&](const uint8_t* body, uint32_t len) {
        uint64_t t = 0;
        EXPECT_EQ(EchoPayload::check(body, len, sizes[seq], 7, seq, t), EchoPayload::Check::kOk);
        EXPECT_EQ(t, 1000 + seq);
        ++seq;
        return true;
      };
      ASSERT_EQ(framer.feed(wire.data(), cut, on_frame), tcp::FrameStatus::Ok);
      ASSERT_EQ(framer.feed(wire.data() + cut, wire.size() - cut, on_frame), tcp::FrameStatus::Ok);
      EXPECT_EQ(seq, sizes.size()) << "cut at " << cut;
    }
  }
}

TEST(LoadMessageTest, WriterRefusesAMessageThatDoesNotFit) {
  uint8_t buf[100];
  MessageWriter out(buf, sizeof(buf), tcp::ByteOrder::Little);
  ASSERT_NE(out.reserve(60), nullptr);
  out.commit(40);  // shorter than reserved: only what was written counts
  EXPECT_EQ(out.used(), MessageWriter::framed(40));
  EXPECT_EQ(out.reserve(53), nullptr);  // 4 + 53 > 56 left
  EXPECT_NE(out.reserve(52), nullptr);
  EXPECT_EQ(tcp::Framer::read_header(buf, tcp::ByteOrder::Little), 40u);
}

TEST(LoadMessageTest, EchoPayloadNamesWhatIsWrong) {
  std::vector<uint8_t> m(67);
  EchoPayload::encode(m.data(), 67, 3, 9, 12345);
  uint64_t t = 0;
  EXPECT_EQ(EchoPayload::check(m.data(), 67, 67, 3, 9, t), EchoPayload::Check::kOk);
  EXPECT_EQ(t, 12345u);
  EXPECT_EQ(EchoPayload::check(m.data(), 66, 67, 3, 9, t), EchoPayload::Check::kBadLength);
  EXPECT_EQ(EchoPayload::check(m.data(), 67, 67, 4, 9, t), EchoPayload::Check::kBadConn);
  EXPECT_EQ(EchoPayload::check(m.data(), 67, 67, 3, 10, t), EchoPayload::Check::kBadSeq);
  for (size_t i = EchoPayload::kPatternOff; i < m.size(); ++i) {  // every pattern byte counts, the tail too
    m[i] ^= 1;
    EXPECT_EQ(EchoPayload::check(m.data(), 67, 67, 3, 9, t), EchoPayload::Check::kBadPattern) << i;
    m[i] ^= 1;
  }
}

}  // namespace
}  // namespace ptnet::load
