// Shared by the GameCore tests: time units and expectations on a
// FakeClient's inbox.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>

#include "game/ErrorCode.h"
#include "game/GameOutput.h"
#include "game/MsgType.h"
#include "tests/game/FakeShards.h"

namespace ptnet::game {
// gtest prints a MsgType parameter by name.
inline void PrintTo(MsgType t, std::ostream* os) { *os << msg_type_name(t); }
}  // namespace ptnet::game

namespace ptnet::game::test {

inline constexpr uint64_t kMs = 1'000'000;
inline constexpr uint64_t kSec = 1'000 * kMs;
inline constexpr uint64_t kMin = 60 * kSec;

// The last message c got is Error{code} with a non-empty text.
inline void expect_error(const FakeClient& c, ErrorCode code) {
  ASSERT_FALSE(c.inbox.empty());
  EXPECT_EQ(c.last().m.type, MsgType::Error);
  EXPECT_EQ(c.last().m.code, uint16_t(code));
  EXPECT_FALSE(c.last().text.empty());
}

// c got exactly one message, Error{code}, and was closed after the flush.
inline void expect_refused(const FakeClient& c, ErrorCode code) {
  ASSERT_EQ(c.inbox.size(), 1u);
  expect_error(c, code);
  EXPECT_EQ(c.close_requested, GameOutput::Close::AfterFlush);
  EXPECT_EQ(c.session, nullptr);
}

}  // namespace ptnet::game::test
