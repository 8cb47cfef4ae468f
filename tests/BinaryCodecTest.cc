// BinaryCodec: round trips of every message type, golden bodies, every error
// path; MsgType names and DecodeStatus texts.
#include "game/BinaryCodec.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "game/DecodeStatus.h"
#include "game/Message.h"
#include "game/MsgType.h"
#include "tests/CodecSamples.h"

namespace ptnet::game {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes encode(const Message& m) {
  Bytes b(BinaryCodec::encoded_size(m));
  EXPECT_EQ(BinaryCodec::encode(m, b.data()), b.size());
  return b;
}

DecodeStatus decode(const Bytes& b, Message* out) { return BinaryCodec::decode(b.data(), b.size(), out); }

DecodeStatus decode(const Bytes& b) {
  Message m;
  return decode(b, &m);
}

// Encodes into *wire (which the decoded text then views into) and decodes.
Message round_trip(const Message& m, Bytes* wire) {
  *wire = encode(m);
  Message out;
  EXPECT_EQ(decode(*wire, &out), DecodeStatus::Ok);
  return out;
}

// ---------------------------------------------------------------- round trips

TEST(BinaryCodec, EveryTypeRoundTrips) {
  Bytes wire;
  for (MsgType t : kAllTypes) {
    SCOPED_TRACE(msg_type_name(t));
    const Message m = sample(t);
    expect_same(round_trip(m, &wire), m);
  }
}

TEST(BinaryCodec, EmptyTextRoundTrips) {
  Bytes wire;
  Message m = sample(MsgType::ChatMessage);
  m.text = "";
  EXPECT_EQ(BinaryCodec::encoded_size(m), 1u + 4 + 4 + 2);
  expect_same(round_trip(m, &wire), m);
}

TEST(BinaryCodec, MaximalTextRoundTrips) {
  Bytes wire;
  const std::string text(BinaryCodec::kMaxText, 'x');
  Message m = sample(MsgType::SystemMessage);
  m.text = text;
  EXPECT_EQ(BinaryCodec::encoded_size(m), 1u + 2 + BinaryCodec::kMaxText);
  expect_same(round_trip(m, &wire), m);
}

TEST(BinaryCodec, OverlongTextIsCutAtACharacterBoundary) {
  Bytes wire;
  // 65534 ASCII bytes then a 3-byte character straddling the limit.
  std::string text(BinaryCodec::kMaxText - 1, 'a');
  text += "\xE2\x82\xAC";  // U+20AC
  Message m = sample(MsgType::SystemMessage);
  m.text = text;
  EXPECT_EQ(BinaryCodec::encoded_size(m), 1u + 2 + BinaryCodec::kMaxText - 1);
  const Message out = round_trip(m, &wire);
  EXPECT_EQ(out.text, std::string_view(text).substr(0, BinaryCodec::kMaxText - 1));
}

TEST(BinaryCodec, UnicodeTextRoundTrips) {
  Bytes wire;
  Message m = sample(MsgType::ChatMessage);
  m.text = "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80";  // café 中文 😀
  expect_same(round_trip(m, &wire), m);
}

TEST(BinaryCodec, FloatEdgeValuesRoundTripBitExact) {
  Bytes wire;
  using L = std::numeric_limits<float>;
  const float values[] = {0.0f, -0.0f, L::denorm_min(), -L::denorm_min(), L::min(), L::max(), L::lowest(),
                          L::infinity(), -L::infinity(), L::quiet_NaN(), L::epsilon(), 0.1f};
  for (float v : values) {
    Message m = sample(MsgType::PlayerMove);
    m.x = v;
    m.y = -v;
    m.z = v;
    expect_same(round_trip(m, &wire), m);
  }
}

TEST(BinaryCodec, ExtremeIntegersRoundTrip) {
  Bytes wire;
  Message m = sample(MsgType::HeartBeatResponse);
  m.timestamp = UINT64_MAX;
  expect_same(round_trip(m, &wire), m);
  m = sample(MsgType::Error);
  m.code = UINT16_MAX;
  expect_same(round_trip(m, &wire), m);
  m = sample(MsgType::PlayerMove);
  m.user_id = m.room_id = m.seq = UINT32_MAX;
  expect_same(round_trip(m, &wire), m);
}

TEST(BinaryCodec, ChatResponseFalseRoundTrips) {
  Bytes wire;
  Message m = sample(MsgType::ChatResponse);
  m.success = false;
  expect_same(round_trip(m, &wire), m);
}

TEST(BinaryCodec, EncodedSizeIsExactForEveryType) {
  for (MsgType t : kAllTypes) {
    const Message m = sample(t);
    uint8_t buf[256];
    std::memset(buf, 0xAA, sizeof buf);
    const size_t n = BinaryCodec::encode(m, buf);
    EXPECT_EQ(n, BinaryCodec::encoded_size(m)) << msg_type_name(t);
    EXPECT_EQ(buf[n], 0xAA) << msg_type_name(t);  // nothing written past the end
  }
}

TEST(BinaryCodec, DecodeZeroesFieldsTheTypeDoesNotCarry) {
  Message dirty = sample(MsgType::PlayerMove);
  dirty.timestamp = 7;
  dirty.code = 7;
  dirty.success = true;
  dirty.text = "stale";
  const Bytes b = encode(sample(MsgType::Connect));
  ASSERT_EQ(decode(b, &dirty), DecodeStatus::Ok);
  expect_same(dirty, sample(MsgType::Connect));
}

TEST(BinaryCodec, DecodedTextViewsIntoTheBody) {
  const Bytes b = encode(sample(MsgType::ChatMessage));
  Message m;
  ASSERT_EQ(decode(b, &m), DecodeStatus::Ok);
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(m.text.data()), b.data() + 1 + 4 + 4 + 2);
}

// ---------------------------------------------------------------- golden bodies

TEST(BinaryCodec, ConnectGoldenBody) {
  const Bytes golden = {0x03, 0x01, 0x00, 0x00, 0x00, 0x7B, 0x00, 0x00, 0x00};
  EXPECT_EQ(encode(sample(MsgType::Connect)), golden);
  Message m;
  ASSERT_EQ(decode(golden, &m), DecodeStatus::Ok);
  EXPECT_EQ(m.type, MsgType::Connect);
  EXPECT_EQ(m.room_id, 1u);
  EXPECT_EQ(m.user_id, 123u);
}

TEST(BinaryCodec, ChatMessageGoldenBody) {
  Message m;
  m.type = MsgType::ChatMessage;
  m.user_id = 5;
  m.room_id = 0x01020304;
  m.text = "hi";
  const Bytes golden = {0x10, 0x05, 0x00, 0x00, 0x00, 0x04, 0x03, 0x02, 0x01, 0x02, 0x00, 'h', 'i'};
  EXPECT_EQ(encode(m), golden);
  Message d;
  ASSERT_EQ(decode(golden, &d), DecodeStatus::Ok);
  expect_same(d, m);
}

TEST(BinaryCodec, PlayerMoveGoldenBody) {
  Message m;
  m.type = MsgType::PlayerMove;
  m.user_id = 1;
  m.room_id = 2;
  m.x = 1.0f;    // 0x3F800000
  m.y = -2.0f;   // 0xC0000000
  m.z = 0.5f;    // 0x3F000000
  m.seq = 0x100;
  const Bytes golden = {0x30, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x3F,
                        0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x3F, 0x00, 0x01, 0x00, 0x00};
  EXPECT_EQ(encode(m), golden);
  Message d;
  ASSERT_EQ(decode(golden, &d), DecodeStatus::Ok);
  expect_same(d, m);
}

TEST(BinaryCodec, ErrorGoldenBody) {
  Message m;
  m.type = MsgType::Error;
  m.code = 0x0102;
  m.text = "no";
  const Bytes golden = {0x41, 0x02, 0x01, 0x02, 0x00, 'n', 'o'};
  EXPECT_EQ(encode(m), golden);
  Message d;
  ASSERT_EQ(decode(golden, &d), DecodeStatus::Ok);
  expect_same(d, m);
}

TEST(BinaryCodec, HeartBeatIsTheTypeByteAlone) {
  EXPECT_EQ(encode(sample(MsgType::HeartBeat)), Bytes{0x01});
  EXPECT_EQ(decode(Bytes{0x01}), DecodeStatus::Ok);
}

// ---------------------------------------------------------------- errors

TEST(BinaryCodec, EmptyBodyIsEmpty) {
  Message m;
  EXPECT_EQ(BinaryCodec::decode(nullptr, 0, &m), DecodeStatus::Empty);
}

TEST(BinaryCodec, UnknownTypeCodesAreRefused) {
  for (int code = 0; code < 256; ++code) {
    if (is_known_type(uint8_t(code))) continue;
    EXPECT_EQ(decode(Bytes{uint8_t(code), 0, 0, 0, 0}), DecodeStatus::UnknownType) << code;
  }
}

TEST(BinaryCodec, EveryProperPrefixIsTruncated) {
  for (MsgType t : kAllTypes) {
    const Bytes b = encode(sample(t));
    for (size_t n = 1; n < b.size(); ++n) {
      Message m;
      EXPECT_EQ(BinaryCodec::decode(b.data(), n, &m), DecodeStatus::Truncated) << msg_type_name(t) << " n=" << n;
    }
  }
}

TEST(BinaryCodec, TextLengthPastTheEndIsTruncated) {
  const Bytes b = {0x40, 0x05, 0x00, 'a', 'b', 'c', 'd'};  // says 5, has 4
  EXPECT_EQ(decode(b), DecodeStatus::Truncated);
}

TEST(BinaryCodec, ExtraByteAfterLastFieldIsTrailingBytes) {
  for (MsgType t : kAllTypes) {
    Bytes b = encode(sample(t));
    b.push_back(0);
    EXPECT_EQ(decode(b), DecodeStatus::TrailingBytes) << msg_type_name(t);
  }
}

TEST(BinaryCodec, BoolByteOtherThanZeroOrOneIsBadFieldType) {
  Bytes b = encode(sample(MsgType::ChatResponse));
  ASSERT_EQ(b[1], 1);
  b[1] = 2;
  EXPECT_EQ(decode(b), DecodeStatus::BadFieldType);
  b[1] = 0xFF;
  EXPECT_EQ(decode(b), DecodeStatus::BadFieldType);
  b[1] = 0;
  EXPECT_EQ(decode(b), DecodeStatus::Ok);
}

TEST(BinaryCodec, InvalidUtf8TextIsBadUtf8) {
  const char* bad[] = {
      "\xC3\x28",          // bad continuation
      "\xC0\xAF",          // overlong '/'
      "\xED\xA0\x80",      // UTF-16 surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "ok\xFF",            // never valid
      "\xE2\x82",          // cut short
  };
  for (const char* s : bad) {
    Bytes b = {0x40, uint8_t(std::strlen(s)), 0x00};
    b.insert(b.end(), s, s + std::strlen(s));
    EXPECT_EQ(decode(b), DecodeStatus::BadUtf8) << s;
  }
}

// ---------------------------------------------------------------- names, statuses

TEST(MsgType, NamesAndCodesMatchTheProtocolTable) {
  EXPECT_STREQ(msg_type_name(MsgType::HeartBeat), "HeartBeat");
  EXPECT_STREQ(msg_type_name(MsgType::Connect), "Connect");
  EXPECT_STREQ(msg_type_name(MsgType::HeartBeatResponse), "HeartBeatResponse");
  EXPECT_STREQ(msg_type_name(MsgType::PlayerMove), "PlayerMove");
  EXPECT_STREQ(msg_type_name(MsgType::Error), "Error");
  EXPECT_EQ(msg_type_name(MsgType(0x00)), nullptr);
  EXPECT_EQ(msg_type_name(MsgType(0x42)), nullptr);
  int known = 0;
  for (int c = 0; c < 256; ++c) known += is_known_type(uint8_t(c));
  EXPECT_EQ(known, 16);
  std::set<std::string> names;
  for (MsgType t : kAllTypes) {
    EXPECT_TRUE(is_known_type(uint8_t(t)));
    ASSERT_NE(msg_type_name(t), nullptr);
    names.insert(msg_type_name(t));
  }
  EXPECT_EQ(names.size(), 16u);
}

TEST(DecodeStatus, EveryStatusHasItsOwnText) {
  std::set<std::string> texts;
  for (int s = int(DecodeStatus::Ok); s <= int(DecodeStatus::TextTooLong); ++s) {
    const char* t = to_string(DecodeStatus(s));
    ASSERT_NE(t, nullptr);
    EXPECT_GT(std::strlen(t), 0u);
    texts.insert(t);
  }
  EXPECT_EQ(texts.size(), size_t(DecodeStatus::TextTooLong) + 1);
  EXPECT_STREQ(to_string(DecodeStatus::UnknownType), "unknown message type");
}

}  // namespace
}  // namespace ptnet::game
