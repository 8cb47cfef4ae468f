// A unit of work sent from one shard to another through a mailbox: a plain
// function pointer and three words of arguments (32 bytes, trivially
// copyable). Whatever `ptr` points to is owned by the receiver once sent.
#pragma once

#include <cstdint>

namespace ptnet {

class Shard;

struct ShardMessage {
  void (*fn)(Shard& target, const ShardMessage& msg) = nullptr;
  void* ptr = nullptr;
  uint64_t a = 0;
  uint64_t b = 0;
};

}  // namespace ptnet
