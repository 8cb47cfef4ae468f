// ptnet-load's own game-protocol codec (GameCodec): JSON decoding corner
// cases, binary length/range checks, and encoder -> decoder round trips of
// frame bodies in both encodings. Independent of game/ on purpose (see GameProtocol.h).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "bench/load/GameCodec.h"
#include "bench/load/GameTraffic.h"

namespace ptnet::load {
namespace {

using Status = GameDecoder::Status;

class GameCodecTest : public ::testing::Test {
 protected:
  Status json(const std::string& s) {
    GameDecoder d(GameEncoding::kJson, scratch_.data(), scratch_.size());
    return d.decode(reinterpret_cast<const uint8_t*>(s.data()), uint32_t(s.size()), m_);
  }
  Status binary(std::vector<uint8_t> body) {
    body_ = std::move(body);
    GameDecoder d(GameEncoding::kBinary, scratch_.data(), scratch_.size());
    return d.decode(body_.data(), uint32_t(body_.size()), m_);
  }
  std::vector<uint8_t> scratch_ = std::vector<uint8_t>(GameCodec::kMaxBody);
  std::vector<uint8_t> body_;
  GameMsg m_;
};

TEST_F(GameCodecTest, JsonFieldlessMessagesInEveryForm) {
  EXPECT_EQ(json("\"HeartBeat\""), Status::kOk);
  EXPECT_EQ(m_.type, MsgType::kHeartBeat);
  EXPECT_EQ(json(" { \"HeartBeat\" : { } } "), Status::kOk);
  EXPECT_EQ(json("{\"HeartBeat\":null}"), Status::kOk);
  EXPECT_EQ(json("\"ConnectionAck\""), Status::kMalformed);  // has a field
}

TEST_F(GameCodecTest, JsonIntegersAreRangeChecked) {
  EXPECT_EQ(json("{\"ConnectionAck\":{\"user_id\":4294967295}}"), Status::kOk);
  EXPECT_EQ(m_.user_id, 4294967295u);
  EXPECT_EQ(json("{\"ConnectionAck\":{\"user_id\":4294967296}}"), Status::kMalformed);
  EXPECT_EQ(json("{\"ConnectionAck\":{\"user_id\":-1}}"), Status::kMalformed);
  EXPECT_EQ(json("{\"ConnectionAck\":{\"user_id\":1.5}}"), Status::kMalformed);
  EXPECT_EQ(json("{\"Error\":{\"code\":65536,\"message\":\"x\"}}"), Status::kMalformed);
  EXPECT_EQ(json("{\"HeartBeatResponse\":{\"timestamp\":1732230000}}"), Status::kOk);
  EXPECT_EQ(m_.timestamp, 1732230000u);
}

TEST_F(GameCodecTest, JsonFieldsMissingDuplicatedUnknownOrTrailing) {
  EXPECT_EQ(json("{\"ConnectionAck\":{}}"), Status::kMalformed);
  EXPECT_EQ(json("{\"ConnectionAck\":{\"user_id\":1,\"user_id\":2}}"), Status::kMalformed);
  EXPECT_EQ(json("{\"ConnectionAck\":{\"user_id\":1,\"extra\":[1,{\"a\":\"b\"},null,true]}}"), Status::kOk);
  EXPECT_EQ(m_.user_id, 1u);
  EXPECT_EQ(json("{\"Error\":{\"code\":7,\"message\":\"x\"}} x"), Status::kMalformed);
  EXPECT_EQ(json("{\"Nope\":{}}"), Status::kUnknownType);
}

TEST_F(GameCodecTest, JsonStringsAreUnescaped) {
  ASSERT_EQ(json(R"({"SystemMessage":{"message":"hi \"x\" \u263a \ud83d\ude00 \n\/"}})"), Status::kOk);
  EXPECT_EQ(m_.message, "hi \"x\" \xe2\x98\xba \xf0\x9f\x98\x80 \n/");
  EXPECT_EQ(json(R"({"SystemMessage":{"message":"lone \ud83d"}})"), Status::kMalformed);
  EXPECT_EQ(json(R"({"SystemMessage":{"message":"bad \q"}})"), Status::kMalformed);
}

TEST_F(GameCodecTest, JsonFieldsInAnyOrderAndFloatForms) {
  ASSERT_EQ(json(R"({"PlayerMove":{"seq":7,"z":-1.75e0,"y":2,"x":1.25,"room_id":3,"user_id":9}})"),
            Status::kOk);
  EXPECT_EQ(m_.x, 1.25f);
  EXPECT_EQ(m_.y, 2.0f);
  EXPECT_EQ(m_.z, -1.75f);
  EXPECT_EQ(m_.seq, 7u);
  EXPECT_EQ(m_.room_id, 3u);
  EXPECT_EQ(m_.user_id, 9u);
  ASSERT_EQ(json(R"({"ChatResponse":{"success":false,"message":"no"}})"), Status::kOk);
  EXPECT_FALSE(m_.success);
}

TEST_F(GameCodecTest, BinaryLengthMustMatchTheFields) {
  EXPECT_EQ(binary({0x04, 1, 0, 0, 0}), Status::kOk);
  EXPECT_EQ(m_.user_id, 1u);
  EXPECT_EQ(binary({0x04, 1, 0, 0}), Status::kMalformed);
  EXPECT_EQ(binary({0x04, 1, 0, 0, 0, 9}), Status::kMalformed);
  EXPECT_EQ(binary({0x40, 3, 0, 'a', 'b'}), Status::kMalformed);  // string runs past the end
  EXPECT_EQ(binary({0x11, 2, 0, 0}), Status::kMalformed);         // bool 2
  EXPECT_EQ(binary({0x77}), Status::kUnknownType);
  EXPECT_EQ(binary({}), Status::kMalformed);
}

TEST_F(GameCodecTest, EncodersRoundTripInBothEncodings) {
  uint8_t buf[512];
  for (GameEncoding e : {GameEncoding::kBinary, GameEncoding::kJson}) {
    GameDecoder d(e, scratch_.data(), scratch_.size());
    const float x = MoveCoords::x(1007, 4000000000u), y = MoveCoords::y(1007, 0),
                z = MoveCoords::z(0, 4000000000u);
    uint32_t n = GameCodec::encode_move(e, buf, 1007, 5, x, y, z, 4000000000u);
    EXPECT_LE(n, GameCodec::move_body_max(e));
    ASSERT_EQ(d.decode(buf, n, m_), Status::kOk);
    EXPECT_EQ(m_.type, MsgType::kPlayerMove);
    EXPECT_EQ(m_.x, x);
    EXPECT_EQ(m_.y, y);
    EXPECT_EQ(m_.z, z);
    EXPECT_EQ(m_.seq, 4000000000u);

    uint8_t* text = nullptr;
    n = GameCodec::encode_chat(e, buf, 4294967295u, 4294967295u, 64, &text);
    ChatText::write(text, 64, 123, 9876543210123ull);
    EXPECT_LE(n, GameCodec::chat_body_max(e, 64));
    ASSERT_EQ(d.decode(buf, n, m_), Status::kOk);
    EXPECT_EQ(m_.type, MsgType::kChatMessage);
    EXPECT_EQ(m_.user_id, 4294967295u);
    uint32_t seq = 0;
    uint64_t t = 0;
    ASSERT_TRUE(ChatText::parse(m_.message, 64, seq, t));
    EXPECT_EQ(seq, 123u);
    EXPECT_EQ(t, 9876543210123ull);

    n = GameCodec::encode_connect(e, buf, 4294967295u, 4294967295u);
    EXPECT_LE(n, GameCodec::kControlBodyMax);
    ASSERT_EQ(d.decode(buf, n, m_), Status::kOk);
    EXPECT_EQ(m_.type, MsgType::kConnect);
    n = GameCodec::encode_heartbeat(e, buf);
    EXPECT_LE(n, GameCodec::kControlBodyMax);
    ASSERT_EQ(d.decode(buf, n, m_), Status::kOk);
    EXPECT_EQ(m_.type, MsgType::kHeartBeat);
  }
}

TEST_F(GameCodecTest, ChatTextRejectsAlteredText) {
  uint8_t t[64];
  ChatText::write(t, 64, 42, 1000);
  std::string s(reinterpret_cast<char*>(t), 64);
  uint32_t seq = 0;
  uint64_t time = 0;
  EXPECT_TRUE(ChatText::parse(s, 64, seq, time));
  EXPECT_FALSE(ChatText::parse(s, 65, seq, time));
  std::string padded = s;
  padded[63] = 'y';
  EXPECT_FALSE(ChatText::parse(padded, 64, seq, time));
  std::string digits = s;
  digits[5] = 'a';
  EXPECT_FALSE(ChatText::parse(digits, 64, seq, time));
}

TEST(RoomMapTest, RoomsPositionsAndAnnouncedPairs) {
  const RoomMap r{105, 50, 1000};
  EXPECT_EQ(r.rooms(), 3u);
  EXPECT_EQ(r.room_of(49), 0u);
  EXPECT_EQ(r.room_of(50), 1u);
  EXPECT_EQ(r.position_of(104), 4u);
  EXPECT_EQ(r.members(2), 5u);
  EXPECT_EQ(r.user_id(0), 1000u);
  EXPECT_EQ(r.member_pairs(), 2u * 50 * 49 / 2 + 5 * 4 / 2);
}

}  // namespace
}  // namespace ptnet::load
