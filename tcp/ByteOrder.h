// Byte order of a frame's 4-byte length header (JSON frames are big-endian,
// binary frames little-endian).
#pragma once

#include <cstdint>

namespace ptnet::tcp {

enum class ByteOrder : uint8_t { Little, Big };

}  // namespace ptnet::tcp
