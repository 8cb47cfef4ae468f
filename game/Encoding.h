// How a session's messages are encoded on the wire: BinaryCodec or JsonCodec.
// TCP sessions choose by the byte order of their first length header (JSON:
// big-endian); reliable-UDP sessions are always Binary.
#pragma once

#include <cstdint>

namespace ptnet::game {

enum class Encoding : uint8_t { Binary, Json };

}  // namespace ptnet::game
