// JsonCodec: round trips of every message type, golden documents, serde's
// accepted spellings, every error path, and no allocation per message.
#include "game/JsonCodec.h"

#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "game/DecodeStatus.h"
#include "game/Message.h"
#include "game/MsgType.h"
#include "tests/CodecSamples.h"

// Counts every global operator new, so a test can assert that decode and
// encode do not allocate.
namespace {
std::atomic<uint64_t> g_news{0};
}  // namespace

void* operator new(size_t n) {
  g_news.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  std::abort();  // the tests build without relying on bad_alloc
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace ptnet::game {
namespace {

std::string encode(const Message& m) {
  std::string s(JsonCodec::max_encoded_size(m), '\0');
  s.resize(JsonCodec::encode(m, reinterpret_cast<uint8_t*>(s.data())));
  return s;
}

class JsonCodecTest : public ::testing::Test {
 protected:
  DecodeStatus decode(std::string_view json, Message* out) {
    return codec_.decode(reinterpret_cast<const uint8_t*>(json.data()), json.size(), out);
  }
  DecodeStatus decode(std::string_view json) {
    Message m;
    return decode(json, &m);
  }
  Message round_trip(const Message& m) {
    Message out;
    EXPECT_EQ(decode(encode(m), &out), DecodeStatus::Ok);
    return out;
  }

  JsonCodec codec_;
};

// A codec whose documents may hold a maximal text with every byte escaped.
class BigJsonCodecTest : public JsonCodecTest {
 protected:
  BigJsonCodecTest() { codec_ = JsonCodec(8 * JsonCodec::kMaxText); }
};

// ---------------------------------------------------------------- round trips

TEST_F(JsonCodecTest, EveryTypeRoundTrips) {
  for (MsgType t : kAllTypes) {
    SCOPED_TRACE(msg_type_name(t));
    const Message m = sample(t);
    expect_same(round_trip(m), m);
  }
}

TEST_F(JsonCodecTest, EmptyTextRoundTrips) {
  Message m = sample(MsgType::UserInfo);
  m.text = "";
  EXPECT_EQ(encode(m), R"({"UserInfo":{"user_id":42,"nickname":""}})");
  expect_same(round_trip(m), m);
}

TEST_F(BigJsonCodecTest, MaximalTextRoundTrips) {
  const std::string text(JsonCodec::kMaxText, 'y');
  Message m = sample(MsgType::SystemMessage);
  m.text = text;
  expect_same(round_trip(m), m);
}

TEST_F(BigJsonCodecTest, MaximalTextOfControlCharsStaysWithinTheBound) {
  std::string text(JsonCodec::kMaxText, '\x01');
  Message m = sample(MsgType::ChatMessage);
  m.text = text;
  const std::string json = encode(m);
  EXPECT_LE(json.size(), JsonCodec::max_encoded_size(m));
  EXPECT_EQ(json.size(), std::string(R"({"ChatMessage":{"user_id":5,"room_id":1,"message":""}})").size() +
                             6 * JsonCodec::kMaxText);
  expect_same(round_trip(m), m);
}

TEST_F(JsonCodecTest, OverlongTextIsCutAtACharacterBoundary) {
  std::string text(JsonCodec::kMaxText - 2, 'a');
  text += "\xF0\x9F\x98\x80";  // 😀 straddles the limit
  Message m = sample(MsgType::SystemMessage);
  m.text = text;
  JsonCodec big(4 * JsonCodec::kMaxText);
  const std::string json = encode(m);
  Message out;
  ASSERT_EQ(big.decode(reinterpret_cast<const uint8_t*>(json.data()), json.size(), &out), DecodeStatus::Ok);
  EXPECT_EQ(out.text, std::string_view(text).substr(0, JsonCodec::kMaxText - 2));
}

TEST_F(JsonCodecTest, UnicodeTextRoundTripsUnescaped) {
  Message m = sample(MsgType::ChatMessage);
  m.text = "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80";
  const std::string json = encode(m);
  EXPECT_NE(json.find("caf\xC3\xA9"), std::string::npos);  // UTF-8 written as is
  expect_same(round_trip(m), m);
}

TEST_F(JsonCodecTest, EscapesRoundTrip) {
  const std::string text = std::string("q\"b\\s/n\nt\tz") + '\0' + "\x1F\x7F end";
  Message m = sample(MsgType::ChatMessage);
  m.text = text;
  expect_same(round_trip(m), m);
}

TEST_F(JsonCodecTest, EveryControlCharacterRoundTrips) {
  std::string text;
  for (int c = 0; c < 0x20; ++c) text += char(c);
  text += "\"\\";
  Message m = sample(MsgType::SystemMessage);
  m.text = text;
  expect_same(round_trip(m), m);
}

TEST_F(JsonCodecTest, FloatEdgeValuesRoundTripBitExact) {
  using L = std::numeric_limits<float>;
  const float values[] = {0.0f, -0.0f, L::denorm_min(), -L::denorm_min(), L::min(), L::max(), L::lowest(),
                          L::epsilon(), 0.1f, 1.0f / 3.0f, 16777217.0f, 1e-7f, 123456.789f};
  for (float v : values) {
    Message m = sample(MsgType::PlayerMove);
    m.x = v;
    m.y = -v;
    m.z = v / 2;
    expect_same(round_trip(m), m);
  }
}

TEST_F(JsonCodecTest, NonFiniteFloatsEncodeAsZero) {
  Message m = sample(MsgType::PlayerMove);
  m.x = std::numeric_limits<float>::infinity();
  m.y = -std::numeric_limits<float>::infinity();
  m.z = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(encode(m), R"({"PlayerMove":{"user_id":3,"room_id":4,"x":0,"y":0,"z":0,"seq":99}})");
}

TEST_F(JsonCodecTest, ExtremeIntegersRoundTrip) {
  Message m = sample(MsgType::HeartBeatResponse);
  m.timestamp = UINT64_MAX;
  expect_same(round_trip(m), m);
  m = sample(MsgType::Error);
  m.code = UINT16_MAX;
  expect_same(round_trip(m), m);
  m = sample(MsgType::PlayerMove);
  m.user_id = m.room_id = m.seq = UINT32_MAX;
  expect_same(round_trip(m), m);
}

TEST_F(JsonCodecTest, MaxEncodedSizeBoundsEveryType) {
  for (MsgType t : kAllTypes) {
    Message m = sample(t);
    m.user_id = m.room_id = m.user_count = m.seq = UINT32_MAX;
    m.timestamp = UINT64_MAX;
    m.code = UINT16_MAX;
    m.x = m.y = m.z = -1.17549435e-38f;
    EXPECT_LE(encode(m).size(), JsonCodec::max_encoded_size(m)) << msg_type_name(t);
  }
}

TEST_F(JsonCodecTest, DecodeZeroesFieldsTheTypeDoesNotCarry) {
  Message dirty = sample(MsgType::PlayerMove);
  dirty.text = "stale";
  ASSERT_EQ(decode(R"({"Connect":{"room_id":1,"user_id":123}})", &dirty), DecodeStatus::Ok);
  expect_same(dirty, sample(MsgType::Connect));
}

TEST_F(JsonCodecTest, DecodedTextOutlivesTheInputBuffer) {
  std::string json = R"({"SystemMessage":{"message":"kept"}})";
  Message m;
  ASSERT_EQ(decode(json, &m), DecodeStatus::Ok);
  std::fill(json.begin(), json.end(), 'X');
  EXPECT_EQ(m.text, "kept");
}

TEST_F(JsonCodecTest, DecodeAndEncodeDoNotAllocate) {
  const std::string inputs[] = {
      R"({"ChatMessage":{"user_id":5,"room_id":1,"message":"a \"quoted\" \u00e9 text"}})",
      R"({"PlayerMove":{"user_id":3,"room_id":4,"x":1.5,"y":-2.25,"z":0.001,"seq":99}})",
      R"("HeartBeat")",
      R"({"Nope":{}})",
  };
  uint8_t out[512];
  Message m;
  decode(inputs[0], &m);  // warm up (first use picks the simdjson kernel)
  const uint64_t before = g_news.load();
  for (int i = 0; i < 100; ++i) {
    for (const std::string& in : inputs) {
      if (decode(in, &m) == DecodeStatus::Ok) JsonCodec::encode(m, out);
    }
  }
  EXPECT_EQ(g_news.load(), before);
}

TEST_F(JsonCodecTest, MovedCodecStillDecodes) {
  JsonCodec moved(std::move(codec_));
  Message m;
  const std::string json = R"("HeartBeat")";
  EXPECT_EQ(moved.decode(reinterpret_cast<const uint8_t*>(json.data()), json.size(), &m), DecodeStatus::Ok);
  EXPECT_EQ(moved.max_document(), 64u * 1024);
  codec_ = std::move(moved);
  EXPECT_EQ(decode(json), DecodeStatus::Ok);
}

// ---------------------------------------------------------------- golden documents

TEST_F(JsonCodecTest, ConnectGolden) {
  const char* golden = R"({"Connect":{"room_id":1,"user_id":123}})";
  EXPECT_EQ(encode(sample(MsgType::Connect)), golden);
  Message m;
  ASSERT_EQ(decode(golden, &m), DecodeStatus::Ok);
  EXPECT_EQ(m.type, MsgType::Connect);
  EXPECT_EQ(m.room_id, 1u);
  EXPECT_EQ(m.user_id, 123u);
}

TEST_F(JsonCodecTest, ChatMessageGolden) {
  Message m;
  m.type = MsgType::ChatMessage;
  m.user_id = 5;
  m.room_id = 1;
  m.text = "hi";
  const char* golden = R"({"ChatMessage":{"user_id":5,"room_id":1,"message":"hi"}})";
  EXPECT_EQ(encode(m), golden);
  Message d;
  ASSERT_EQ(decode(golden, &d), DecodeStatus::Ok);
  expect_same(d, m);
}

TEST_F(JsonCodecTest, PlayerMoveGolden) {
  Message m;
  m.type = MsgType::PlayerMove;
  m.user_id = 1;
  m.room_id = 2;
  m.x = 1.0f;
  m.y = -2.5f;
  m.z = 0.1f;
  m.seq = 7;
  const char* golden = R"({"PlayerMove":{"user_id":1,"room_id":2,"x":1,"y":-2.5,"z":0.1,"seq":7}})";
  EXPECT_EQ(encode(m), golden);
  Message d;
  ASSERT_EQ(decode(golden, &d), DecodeStatus::Ok);
  expect_same(d, m);
}

TEST_F(JsonCodecTest, ErrorGoldenWithEscapes) {
  Message m;
  m.type = MsgType::Error;
  m.code = 3;
  m.text = "bad \"x\"\\\n\x01";
  const char* golden = R"({"Error":{"code":3,"message":"bad \"x\"\\\u000a\u0001"}})";
  EXPECT_EQ(encode(m), golden);
  Message d;
  ASSERT_EQ(decode(golden, &d), DecodeStatus::Ok);
  expect_same(d, m);
}

TEST_F(JsonCodecTest, ChatResponseBoolGolden) {
  Message m = sample(MsgType::ChatResponse);
  m.success = false;
  m.text = "rate limited";
  EXPECT_EQ(encode(m), R"({"ChatResponse":{"success":false,"message":"rate limited"}})");
}

// ---------------------------------------------------------------- accepted spellings

TEST_F(JsonCodecTest, HeartBeatEncodesAsEmptyObject) {
  EXPECT_EQ(encode(sample(MsgType::HeartBeat)), R"({"HeartBeat":{}})");
}

TEST_F(JsonCodecTest, HeartBeatAcceptsEveryForm) {
  for (const char* form : {R"({"HeartBeat":{}})", R"("HeartBeat")", R"({"HeartBeat":null})",
                           " { \"HeartBeat\" : { } } \n", "\"HeartBeat\"\r\n", R"({"HeartBeat":{"extra":[1,{}]}})"}) {
    Message m = sample(MsgType::PlayerMove);
    EXPECT_EQ(decode(form, &m), DecodeStatus::Ok) << form;
    expect_same(m, sample(MsgType::HeartBeat));
  }
}

TEST_F(JsonCodecTest, PythonJsonDumpsWithSpacesDecodes) {
  // json.dumps({"ChatMessage": {"user_id": 5, "room_id": 1, "message": "hi"}})
  Message m;
  ASSERT_EQ(decode(R"({"ChatMessage": {"user_id": 5, "room_id": 1, "message": "hi"}})", &m), DecodeStatus::Ok);
  EXPECT_EQ(m.type, MsgType::ChatMessage);
  EXPECT_EQ(m.user_id, 5u);
  EXPECT_EQ(m.room_id, 1u);
  EXPECT_EQ(m.text, "hi");
}

TEST_F(JsonCodecTest, FieldOrderDoesNotMatter) {
  Message m;
  ASSERT_EQ(decode(R"({"Connect":{"user_id":123,"room_id":1}})", &m), DecodeStatus::Ok);
  expect_same(m, sample(MsgType::Connect));
}

TEST_F(JsonCodecTest, UnknownFieldsAreIgnored) {
  Message m;
  ASSERT_EQ(decode(R"({"Connect":{"v":2,"room_id":1,"meta":{"a":[1,2,{"b":null}]},"user_id":123,"z":"s"}})", &m),
            DecodeStatus::Ok);
  expect_same(m, sample(MsgType::Connect));
}

TEST_F(JsonCodecTest, EscapedTextIsUnescaped) {
  Message m;
  ASSERT_EQ(decode(R"({"SystemMessage":{"message":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00"}})", &m), DecodeStatus::Ok);
  EXPECT_EQ(m.text, "a\"b\\c/d\n\t\xC3\xA9\xF0\x9F\x98\x80");
}

TEST_F(JsonCodecTest, EscapedKeysMatch) {
  Message m;
  ASSERT_EQ(decode(R"({"Conn\u0065ct":{"room\u005fid":1,"user_id":123}})", &m), DecodeStatus::Ok);
  expect_same(m, sample(MsgType::Connect));
}

TEST_F(JsonCodecTest, FloatFieldsAcceptIntegersAndExponents) {
  Message m;
  ASSERT_EQ(decode(R"({"PlayerMove":{"user_id":1,"room_id":2,"x":3,"y":-2.5E+1,"z":1e-50,"seq":0}})", &m),
            DecodeStatus::Ok);
  EXPECT_EQ(m.x, 3.0f);
  EXPECT_EQ(m.y, -25.0f);
  EXPECT_EQ(m.z, 0.0f);  // below f32's range: underflows to zero
}

TEST_F(JsonCodecTest, FloatFieldsAreRoundedOnceToF32) {
  // x is a hair above the midpoint between 1 and the next f32: correctly
  // rounded it is the next f32, but read as a double first it lands exactly on
  // the midpoint and ties to even (1.0f).
  Message m;
  ASSERT_EQ(decode(R"({"PlayerMove":{"user_id":1,"room_id":2,"x":1.00000005960464477539062501,"y":16777217,)"
                   R"("z":3.4028234e38,"seq":0}})",
                   &m),
            DecodeStatus::Ok);
  EXPECT_EQ(m.x, std::nextafter(1.0f, 2.0f));
  EXPECT_EQ(m.y, 16777216.0f);  // ties to even
  EXPECT_EQ(m.z, std::numeric_limits<float>::max());
}

// The decoder reads short decimals with a one-operation fast path and the
// rest with from_chars; both must give from_chars' correctly rounded f32.
TEST_F(JsonCodecTest, FloatDecodingAgreesWithFromChars) {
  uint64_t state = 0x5EED;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(state >> 33);
  };
  for (int i = 0; i < 20000; ++i) {
    // [-]digits[.digits][e[-]NN], built in a plain buffer.
    char buf[40];
    size_t n = 0;
    if (next() & 1) buf[n++] = '-';
    const uint32_t digits = 1 + next() % 10;
    const uint32_t point = next() % (digits + 1);  // digits before the '.'; 0 or digits: none
    for (uint32_t d = 0; d < digits; ++d) {
      if (d == point && point != 0) buf[n++] = '.';
      buf[n++] = char(d == 0 && digits > 1 ? '1' + next() % 9 : '0' + next() % 10);  // no leading zero
    }
    if (next() % 3 == 0) n += size_t(std::snprintf(buf + n, sizeof buf - n, "e%d", int(next() % 31) - 15));
    const std::string num(buf, n);
    float want = 0;
    const auto r = std::from_chars(num.data(), num.data() + num.size(), want);
    ASSERT_EQ(r.ec, std::errc()) << num;
    const std::string json = R"({"PlayerMove":{"user_id":1,"room_id":2,"x":)" + num + R"(,"y":0,"z":0,"seq":0}})";
    Message m;
    ASSERT_EQ(decode(json, &m), DecodeStatus::Ok) << json;
    ASSERT_EQ(bits(m.x), bits(want)) << num;
  }
}

TEST_F(JsonCodecTest, IntegerBoundsAreAccepted) {
  Message m;
  ASSERT_EQ(decode(R"({"Connect":{"room_id":4294967295,"user_id":0}})", &m), DecodeStatus::Ok);
  EXPECT_EQ(m.room_id, UINT32_MAX);
  ASSERT_EQ(decode(R"({"Error":{"code":65535,"message":""}})", &m), DecodeStatus::Ok);
  EXPECT_EQ(m.code, UINT16_MAX);
  ASSERT_EQ(decode(R"({"HeartBeatResponse":{"timestamp":18446744073709551615}})", &m), DecodeStatus::Ok);
  EXPECT_EQ(m.timestamp, UINT64_MAX);
}

// ---------------------------------------------------------------- errors

TEST_F(JsonCodecTest, EmptyBodyIsEmpty) {
  Message m;
  EXPECT_EQ(codec_.decode(nullptr, 0, &m), DecodeStatus::Empty);
  EXPECT_EQ(decode(" \n\t "), DecodeStatus::Empty);
}

TEST_F(JsonCodecTest, UnknownVariantIsUnknownType) {
  EXPECT_EQ(decode(R"({"Teleport":{"user_id":1}})"), DecodeStatus::UnknownType);
  EXPECT_EQ(decode(R"("Teleport")"), DecodeStatus::UnknownType);
  EXPECT_EQ(decode(R"({"heartbeat":{}})"), DecodeStatus::UnknownType);  // names are case-sensitive
  EXPECT_EQ(decode(R"({"":{}})"), DecodeStatus::UnknownType);
}

TEST_F(JsonCodecTest, NotJsonIsMalformed) {
  EXPECT_EQ(decode("hello"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1,"user_id":123})"), DecodeStatus::MalformedJson);   // unclosed
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1,"user_id":123}}})"), DecodeStatus::MalformedJson);  // extra brace
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1 "user_id":123}})"), DecodeStatus::MalformedJson);   // no comma
  EXPECT_EQ(decode(R"({"Connect":{"room_id":01,"user_id":123}})"), DecodeStatus::MalformedJson);  // leading 0
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1.,"user_id":123}})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"SystemMessage":{"message":"bad \q escape"}})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"SystemMessage":{"message":"unterminated}})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"ChatResponse":{"success":tru,"message":""}})"), DecodeStatus::MalformedJson);
}

TEST_F(JsonCodecTest, IgnoredValuesMustStillBeJson) {
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1,"user_id":2,"junk":[1,2,]}})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1,"user_id":2,"junk":tru}})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1,"user_id":2,"junk":01}})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1,"user_id":2,"junk":"\x"}})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"HeartBeat":{"a":}})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"HeartBeat":{]})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"HeartBeat":nul})"), DecodeStatus::MalformedJson);
}

TEST_F(JsonCodecTest, DeepNestingInIgnoredValuesIsMalformed) {
  const std::string ok = R"({"HeartBeat":{"a":)" + std::string(100, '[') + std::string(100, ']') + "}}";
  EXPECT_EQ(decode(ok), DecodeStatus::Ok);
  const std::string deep = R"({"HeartBeat":{"a":)" + std::string(200, '[') + std::string(200, ']') + "}}";
  EXPECT_EQ(decode(deep), DecodeStatus::MalformedJson);
}

TEST_F(JsonCodecTest, TrailingContentIsMalformed) {
  EXPECT_EQ(decode(R"({"HeartBeat":{}} {"HeartBeat":{}})"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"("HeartBeat" 1)"), DecodeStatus::MalformedJson);
}

TEST_F(JsonCodecTest, TopLevelObjectNeedsExactlyOneKey) {
  EXPECT_EQ(decode("{}"), DecodeStatus::MalformedJson);
  EXPECT_EQ(decode(R"({"HeartBeat":{},"Connect":{"room_id":1,"user_id":2}})"), DecodeStatus::MalformedJson);
}

TEST_F(JsonCodecTest, DuplicateFieldIsMalformed) {
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1,"user_id":123,"room_id":2}})"), DecodeStatus::MalformedJson);
}

TEST_F(JsonCodecTest, MissingFieldIsMissingField) {
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1}})"), DecodeStatus::MissingField);
  EXPECT_EQ(decode(R"({"ChatMessage":{}})"), DecodeStatus::MissingField);
  EXPECT_EQ(decode(R"({"PlayerMove":{"user_id":1,"room_id":2,"x":0,"y":0,"z":0}})"), DecodeStatus::MissingField);
  EXPECT_EQ(decode(R"({"Error":{"code":1,"msg":"typo"}})"), DecodeStatus::MissingField);
}

TEST_F(JsonCodecTest, WrongJsonTypeIsBadFieldType) {
  EXPECT_EQ(decode(R"({"Connect":{"room_id":"1","user_id":123}})"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"({"Connect":{"room_id":null,"user_id":123}})"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1.0,"user_id":123}})"), DecodeStatus::BadFieldType);  // not an integer
  EXPECT_EQ(decode(R"({"Connect":{"room_id":1e3,"user_id":123}})"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"({"ChatResponse":{"success":1,"message":""}})"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"({"ChatResponse":{"success":"true","message":""}})"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"({"SystemMessage":{"message":42}})"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"({"PlayerMove":{"user_id":1,"room_id":2,"x":"1","y":0,"z":0,"seq":0}})"),
            DecodeStatus::BadFieldType);
}

TEST_F(JsonCodecTest, WrongShapeOfMessageIsBadFieldType) {
  EXPECT_EQ(decode("42"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode("[]"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode("null"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"("Connect")"), DecodeStatus::BadFieldType);  // struct variant without its fields
  EXPECT_EQ(decode(R"({"Connect":[1,123]})"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"({"Connect":null})"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"({"HeartBeat":[]})"), DecodeStatus::BadFieldType);
  EXPECT_EQ(decode(R"({"HeartBeat":0})"), DecodeStatus::BadFieldType);
}

TEST_F(JsonCodecTest, OutOfRangeNumbersAreFieldOutOfRange) {
  EXPECT_EQ(decode(R"({"Connect":{"room_id":4294967296,"user_id":1}})"), DecodeStatus::FieldOutOfRange);
  EXPECT_EQ(decode(R"({"Connect":{"room_id":-1,"user_id":1}})"), DecodeStatus::FieldOutOfRange);
  EXPECT_EQ(decode(R"({"Connect":{"room_id":99999999999999999999999,"user_id":1}})"),
            DecodeStatus::FieldOutOfRange);
  EXPECT_EQ(decode(R"({"Error":{"code":65536,"message":""}})"), DecodeStatus::FieldOutOfRange);
  EXPECT_EQ(decode(R"({"HeartBeatResponse":{"timestamp":18446744073709551616}})"), DecodeStatus::FieldOutOfRange);
  EXPECT_EQ(decode(R"({"PlayerMove":{"user_id":1,"room_id":2,"x":1e39,"y":0,"z":0,"seq":0}})"),
            DecodeStatus::FieldOutOfRange);
  EXPECT_EQ(decode(R"({"PlayerMove":{"user_id":1,"room_id":2,"x":0,"y":-1e400,"z":0,"seq":0}})"),
            DecodeStatus::FieldOutOfRange);
}

TEST_F(JsonCodecTest, InvalidUtf8IsBadUtf8) {
  EXPECT_EQ(decode("{\"SystemMessage\":{\"message\":\"\xC3\x28\"}}"), DecodeStatus::BadUtf8);
  EXPECT_EQ(decode("{\"SystemMessage\":{\"message\":\"\xED\xA0\x80\"}}"), DecodeStatus::BadUtf8);
  EXPECT_EQ(decode(R"({"SystemMessage":{"message":"\ud800"}})"), DecodeStatus::BadUtf8);  // lone surrogate
  EXPECT_EQ(decode(R"({"SystemMessage":{"message":"\udc00x"}})"), DecodeStatus::BadUtf8);
}

TEST_F(BigJsonCodecTest, TextOverTheLimitIsTextTooLong) {
  const std::string json =
      R"({"SystemMessage":{"message":")" + std::string(JsonCodec::kMaxText + 1, 'z') + R"("}})";
  EXPECT_EQ(decode(json), DecodeStatus::TextTooLong);
}

TEST_F(BigJsonCodecTest, EscapedTextOverTheLimitIsTextTooLong) {
  std::string json = R"({"SystemMessage":{"message":")";
  for (size_t i = 0; i < JsonCodec::kMaxText / 2 + 1; ++i) json += "\\u00e9";  // 2 bytes each unescaped
  json += R"("}})";
  EXPECT_EQ(decode(json), DecodeStatus::TextTooLong);
}

TEST_F(JsonCodecTest, DocumentOverMaxDocumentIsTextTooLong) {
  JsonCodec small(32);
  const std::string json = R"({"SystemMessage":{"message":"0123456789"}})";
  Message m;
  EXPECT_EQ(small.decode(reinterpret_cast<const uint8_t*>(json.data()), json.size(), &m), DecodeStatus::TextTooLong);
  EXPECT_EQ(small.decode(reinterpret_cast<const uint8_t*>("\"HeartBeat\""), 11, &m), DecodeStatus::Ok);
}

}  // namespace
}  // namespace ptnet::game
