// A pass's room messages for ONE other shard, in one allocation, posted as
// one mailbox message when the pass ends: fan-out across shards costs one
// hop per shard per pass, not one per message.
//
//   +--------------------------------------+------------------------------+-----+
//   | header: server, count, used, capacity | entry | entry | ...          | free|
//   +--------------------------------------+------------------------------+-----+
//   entry: [room u32][len u32][len bytes: the binary frame, header included][pad to 8]
//
// Threads: filled on the sending shard, then owned by the mailbox message,
// then by the target shard, which reads it once and frees it.
// Ownership: malloc'd (it changes threads; mimalloc frees across threads
// cheaply); whoever holds it last calls destroy().
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::game {

class GameServer;

class CastBatch {
 public:
  // An empty batch with room for `bytes` of entries; nullptr when out of memory.
  static CastBatch* create(GameServer* server, size_t bytes);
  // Appends one frame; may move the batch (returns where it is now), or
  // return nullptr when out of memory (then *this is unchanged and still valid:
  // the caller keeps the old pointer).
  static CastBatch* append(CastBatch* b, uint32_t room, const uint8_t* frame, uint32_t len);
  static void destroy(CastBatch* b);

  GameServer* server() const { return server_; }
  uint32_t count() const { return count_; }

  // Calls f(room, frame, len) for every entry, in append order.
  template <class F>
  void for_each(F&& f) const {
    const uint8_t* p = entries();
    for (uint32_t i = 0; i < count_; ++i) {
      uint32_t room, len;
      __builtin_memcpy(&room, p, 4);
      __builtin_memcpy(&len, p + 4, 4);
      f(room, p + 8, len);
      p += entry_size(len);
    }
  }

 private:
  static constexpr size_t entry_size(uint32_t len) { return (8 + size_t(len) + 7) & ~size_t(7); }
  uint8_t* entries() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* entries() const { return reinterpret_cast<const uint8_t*>(this + 1); }

  GameServer* server_;
  uint32_t count_;
  uint32_t pad_;
  size_t used_;
  size_t capacity_;
};

}  // namespace ptnet::game
