// What chat/move traffic looks like and where it goes, computed the same way
// by the sending and the receiving worker so a receiver can verify any
// delivery without talking to the sender's thread:
//  - RoomMap: user i (0-based) has user_id user_base + i and sits in room
//    i / room_size (wire room_id = that + 1) at position i % room_size.
//  - OpenSchedule: open loop, the k-th message of the run goes out at
//    start + k / rate; user u's seq s is message k = s * users + u, so every
//    user sends at rate/users with evenly spread phases, and anyone can compute
//    the intended send time of (u, s).
//  - ChatText: the --size bytes of a chat text, "s=<seq>;t=<ns>;xxxx...", with
//    fixed-width decimal fields (seq 10 digits, intended send time in
//    CLOCK_MONOTONIC ns 20 digits), padded with 'x'.
//  - MoveCoords: PlayerMove x,y,z as exact functions of (user, seq): small
//    multiples of 1/4, exact in f32 and in any shortest-round-trip JSON float.
// Stateless values; any thread may use them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ptnet::load {

struct RoomMap {
  uint32_t users = 0;
  uint32_t room_size = 1;
  uint32_t user_base = 0;

  uint32_t rooms() const { return (users + room_size - 1) / room_size; }
  uint32_t room_of(uint32_t i) const { return i / room_size; }
  uint32_t position_of(uint32_t i) const { return i % room_size; }
  uint32_t members(uint32_t room) const { return std::min(room_size, users - room * room_size); }
  uint32_t user_id(uint32_t i) const { return user_base + i; }
  // Sum over rooms of k*(k-1)/2: the UserJoinedRoom notices a server that
  // announces every arrival to the members already present sends in total.
  uint64_t member_pairs() const {
    const uint64_t full = users / room_size, k = room_size, rest = users % room_size;
    return full * k * (k - 1) / 2 + (rest ? rest * (rest - 1) / 2 : 0);
  }
};

struct OpenSchedule {
  uint64_t start_ns = 0;
  double interval_ns = 0.0;  // 1e9 / total rate
  uint32_t users = 1;

  uint64_t intended_ns(uint32_t user, uint32_t seq) const {
    return start_ns + uint64_t((double(seq) * double(users) + double(user)) * interval_ns);
  }
};

struct ChatText {
  static constexpr uint32_t kSeqDigits = 10;
  static constexpr uint32_t kTimeDigits = 20;
  static constexpr uint32_t kMinSize = 2 + kSeqDigits + 3 + kTimeDigits + 1;  // "s=..;t=..;"
  static constexpr uint32_t kMaxSize = 60000;

  static void put_digits(uint8_t* p, uint64_t v, uint32_t n) {
    for (uint32_t i = n; i-- > 0;) {
      p[i] = uint8_t('0' + v % 10);
      v /= 10;
    }
  }

  static void write(uint8_t* p, uint32_t size, uint32_t seq, uint64_t time_ns) {
    p[0] = 's';
    p[1] = '=';
    put_digits(p + 2, seq, kSeqDigits);
    std::memcpy(p + 2 + kSeqDigits, ";t=", 3);
    put_digits(p + 5 + kSeqDigits, time_ns, kTimeDigits);
    p[kMinSize - 1] = ';';
    std::memset(p + kMinSize, 'x', size - kMinSize);
  }

  // Parses and checks a received text of the expected size.
  static bool parse(std::string_view t, uint32_t size, uint32_t& seq, uint64_t& time_ns) {
    if (t.size() != size || t[0] != 's' || t[1] != '=' || t.substr(2 + kSeqDigits, 3) != ";t=" ||
        t[kMinSize - 1] != ';')
      return false;
    uint64_t s = 0, v = 0;
    for (uint32_t i = 0; i < kSeqDigits; ++i) {
      const char c = t[2 + i];
      if (c < '0' || c > '9') return false;
      s = s * 10 + uint64_t(c - '0');
    }
    for (uint32_t i = 0; i < kTimeDigits; ++i) {
      const char c = t[5 + kSeqDigits + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + uint64_t(c - '0');  // wraps only for > 20 significant digits, caught by time checks
    }
    if (s > 0xffffffffu) return false;
    for (size_t i = kMinSize; i < t.size(); ++i)
      if (t[i] != 'x') return false;
    seq = uint32_t(s);
    time_ns = v;
    return true;
  }
};

struct MoveCoords {
  static float x(uint32_t user_id, uint32_t seq) {
    return float(seq & 0xffffu) + 0.25f + float(user_id & 7u);
  }
  static float y(uint32_t user_id, uint32_t) { return float(user_id & 0xffffu) * 0.5f; }
  static float z(uint32_t, uint32_t seq) { return -float(seq >> 16) - 0.75f; }
};

}  // namespace ptnet::load
