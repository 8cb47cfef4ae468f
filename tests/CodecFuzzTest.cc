// Bounded deterministic fuzz of both decoders, run with the normal suite:
// ~200k inputs (random bytes, and valid encodings mutated by bit flips, byte
// edits, truncations, splices and JSON token insertions). A decoder must never
// crash, and whatever it accepts must survive re-encoding: decode(encode(m))
// gives m back, in both encodings. The libFuzzer targets in tests/fuzz/ do the
// same without the bound.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "game/BinaryCodec.h"
#include "game/DecodeStatus.h"
#include "game/JsonCodec.h"
#include "game/Message.h"
#include "game/MsgType.h"
#include "tests/fuzz/CodecChecks.h"

namespace ptnet::game {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr int kRandomInputs = 20000;   // per codec
constexpr int kMutatedInputs = 80000;  // per codec

const MsgType kAllTypes[] = {
    MsgType::HeartBeat,      MsgType::UserInfo,         MsgType::Connect,          MsgType::ConnectionAck,
    MsgType::HeartBeatResponse, MsgType::ChatMessage,   MsgType::ChatResponse,     MsgType::RoomJoin,
    MsgType::RoomLeave,      MsgType::RoomJoinSuccess,  MsgType::RoomLeaveSuccess, MsgType::UserJoinedRoom,
    MsgType::UserLeftRoom,   MsgType::PlayerMove,       MsgType::SystemMessage,    MsgType::Error,
};

struct Rng {  // splitmix64: deterministic across platforms
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return uint32_t(next() % n); }
  bool one_in(uint32_t n) { return below(n) == 0; }
};

std::string random_text(Rng& r) {
  static constexpr std::string_view kPieces[] = {"a", "Z", " ", "\"", "\\", "/", "\n", "\t", std::string_view("\0", 1),
                                                 "\x1F", "\x7F", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "u00"};
  std::string t;
  const uint32_t n = r.one_in(50) ? 300 + r.below(300) : r.below(24);
  for (uint32_t i = 0; i < n; ++i) t += kPieces[r.below(sizeof kPieces / sizeof kPieces[0])];
  return t;
}

float random_float(Rng& r, bool finite) {
  switch (r.below(6)) {
    case 0: return 0.0f;
    case 1: return float(int32_t(r.below(2001)) - 1000);
    case 2: return float(int32_t(r.below(200001)) - 100000) / 64.0f;
    default: {
      float f = std::bit_cast<float>(uint32_t(r.next()));
      if (finite && !std::isfinite(f)) f = 1.0f;
      return f;
    }
  }
}

uint32_t random_u32(Rng& r) {
  switch (r.below(4)) {
    case 0: return r.below(10);
    case 1: return UINT32_MAX - r.below(3);
    default: return uint32_t(r.next());
  }
}

// A valid message of a random type; its text lives in *text.
Message random_message(Rng& r, std::string* text, bool finite_floats) {
  Message m;
  m.type = kAllTypes[r.below(16)];
  *text = random_text(r);
  Message full;
  full.type = m.type;
  full.user_id = random_u32(r);
  full.room_id = random_u32(r);
  full.user_count = random_u32(r);
  full.seq = random_u32(r);
  full.timestamp = r.one_in(4) ? UINT64_MAX : r.next();
  full.x = random_float(r, finite_floats);
  full.y = random_float(r, finite_floats);
  full.z = random_float(r, finite_floats);
  full.success = r.one_in(2);
  full.code = uint16_t(r.next());
  full.text = *text;
  // Encoding then decoding keeps exactly the fields the type carries.
  Bytes b(BinaryCodec::encoded_size(full));
  BinaryCodec::encode(full, b.data());
  EXPECT_EQ(BinaryCodec::decode(b.data(), b.size(), &m), DecodeStatus::Ok);
  *text = std::string(m.text);  // b dies here
  m.text = *text;
  return m;
}

const char* const kJsonTokens[] = {"{", "}", "[", "]", "\"", ":", ",", "\\", "0", "1", "-", ".", "e", "E+",
                                   " ", "null", "true", "false", "\\u00", "\\ud83d", "\\ude00", "1e39", "-1",
                                   "4294967296", "65536", "\xC3", "\xA9", "\"message\"", "\"user_id\"", "\"x\"",
                                   "\"HeartBeat\"", "\"Connect\"", "{}", "[]", "1.5"};

void mutate(Bytes* b, Rng& r, const std::vector<Bytes>& pool, bool json) {
  const uint32_t edits = r.one_in(2) ? 1 : 2 + r.below(3);  // single edits keep more inputs decodable
  for (uint32_t e = 0; e < edits; ++e) {
    const size_t n = b->size();
    switch (r.below(json ? 9 : 8)) {
      case 0:  // bit flip
        if (n) (*b)[r.below(uint32_t(n))] ^= uint8_t(1u << r.below(8));
        break;
      case 1:  // byte set
        if (n) (*b)[r.below(uint32_t(n))] = uint8_t(r.next());
        break;
      case 2:  // truncate
        if (n) b->resize(r.below(uint32_t(n)));
        break;
      case 3:  // insert a byte
        b->insert(b->begin() + r.below(uint32_t(n) + 1), uint8_t(r.next()));
        break;
      case 4:  // delete a byte
        if (n) b->erase(b->begin() + r.below(uint32_t(n)));
        break;
      case 5: {  // append random bytes
        const uint32_t k = 1 + r.below(8);
        for (uint32_t i = 0; i < k; ++i) b->push_back(uint8_t(r.next()));
        break;
      }
      case 6: {  // splice: our prefix + another encoding's suffix
        const Bytes& o = pool[r.below(uint32_t(pool.size()))];
        const size_t cut = r.below(uint32_t(n) + 1);
        const size_t from = r.below(uint32_t(o.size()) + 1);
        b->resize(cut);
        b->insert(b->end(), o.begin() + long(from), o.end());
        break;
      }
      case 7: {  // duplicate a chunk
        if (!n) break;
        const size_t at = r.below(uint32_t(n));
        const size_t len = 1 + r.below(uint32_t(n - at));
        const Bytes chunk(b->begin() + long(at), b->begin() + long(at + len));
        b->insert(b->begin() + r.below(uint32_t(n) + 1), chunk.begin(), chunk.end());
        break;
      }
      case 8: {  // insert a JSON token
        const std::string_view t = kJsonTokens[r.below(sizeof kJsonTokens / sizeof kJsonTokens[0])];
        b->insert(b->begin() + r.below(uint32_t(n) + 1), t.begin(), t.end());
        break;
      }
    }
  }
}

struct Outcome {
  int ok = 0;
  int refused = 0;
};

// Runs one input through a check; a broken property fails the test with the
// input in hex.
template <class Check>
void run(Check check, const Bytes& in, Outcome* o) {
  bool accepted = false;
  const char* why = check(in, &accepted);
  ++(accepted ? o->ok : o->refused);
  if (why != nullptr) {
    std::string hex;
    for (uint8_t b : in) {
      static constexpr char kHex[] = "0123456789abcdef";
      hex += kHex[b >> 4];
      hex += kHex[b & 15];
    }
    FAIL() << why << "; input (hex): " << hex;
  }
}

Bytes random_bytes(Rng& r) {
  Bytes b(r.below(64));
  for (uint8_t& x : b) x = uint8_t(r.next());
  if (!b.empty() && r.one_in(2)) b[0] = uint8_t(kAllTypes[r.below(16)]);  // a plausible type byte
  return b;
}

TEST(CodecFuzz, BinaryDecoderSurvivesRandomAndMutatedInputs) {
  Rng r{0xB1A5};
  JsonCodec codec;
  fuzz::Scratch scratch;
  auto check = [&](const Bytes& in, bool* accepted) {
    return fuzz::check_binary(in.data(), in.size(), codec, scratch, accepted);
  };
  std::vector<Bytes> pool;
  std::vector<std::string> texts(64);
  for (size_t i = 0; i < texts.size(); ++i) {
    const Message m = random_message(r, &texts[i], false);
    Bytes b(BinaryCodec::encoded_size(m));
    BinaryCodec::encode(m, b.data());
    pool.push_back(std::move(b));
  }
  Outcome o;
  for (const Bytes& b : pool) run(check, b, &o);
  EXPECT_EQ(o.ok, int(pool.size()));
  for (int i = 0; i < kRandomInputs && !HasFailure(); ++i) run(check, random_bytes(r), &o);
  for (int i = 0; i < kMutatedInputs && !HasFailure(); ++i) {
    Bytes b = pool[r.below(uint32_t(pool.size()))];
    mutate(&b, r, pool, false);
    run(check, b, &o);
  }
  // The inputs must exercise both outcomes, or the fuzz proves little.
  EXPECT_GT(o.ok, 2000);
  EXPECT_GT(o.refused, 20000);
  std::printf("binary: %d accepted, %d refused\n", o.ok, o.refused);
}

TEST(CodecFuzz, JsonDecoderSurvivesRandomAndMutatedInputs) {
  Rng r{0x15011};
  JsonCodec codec;
  fuzz::Scratch scratch;
  auto check = [&](const Bytes& in, bool* accepted) {
    return fuzz::check_json(in.data(), in.size(), codec, scratch, accepted);
  };
  std::vector<Bytes> pool;
  std::vector<std::string> texts(64);
  for (size_t i = 0; i < texts.size(); ++i) {
    const Message m = random_message(r, &texts[i], true);
    Bytes b(JsonCodec::max_encoded_size(m));
    b.resize(JsonCodec::encode(m, b.data()));
    pool.push_back(std::move(b));
  }
  const char* const forms[] = {R"("HeartBeat")", R"({"HeartBeat":null})",
                               R"({"ChatMessage": {"user_id": 5, "room_id": 1, "message": "hi \u00e9\ud83d\ude00"}})",
                               R"({"PlayerMove":{"z":1e-3,"y":-2E+2,"x":3,"seq":1,"room_id":2,"user_id":1,"k":[{}]}})"};
  for (const char* f : forms) pool.emplace_back(f, f + std::strlen(f));
  Outcome o;
  for (const Bytes& b : pool) run(check, b, &o);
  EXPECT_EQ(o.ok, int(pool.size()));
  for (int i = 0; i < kRandomInputs && !HasFailure(); ++i) run(check, random_bytes(r), &o);
  for (int i = 0; i < kMutatedInputs && !HasFailure(); ++i) {
    Bytes b = pool[r.below(uint32_t(pool.size()))];
    mutate(&b, r, pool, true);
    run(check, b, &o);
  }
  EXPECT_GT(o.ok, 2000);
  EXPECT_GT(o.refused, 20000);
  std::printf("json: %d accepted, %d refused\n", o.ok, o.refused);
}

}  // namespace
}  // namespace ptnet::game
