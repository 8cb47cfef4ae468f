// user_id -> where the user is connected (shard, connection slot and
// generation), readable and writable by every shard without a lock.
//
// Lock-free open addressing over two arrays in one anonymous mapping (pages
// are touched only as entries are used). Keys are claimed with a CAS and
// never removed, so probes never see a hole appear; a user going offline
// only zeroes the value. Hashing is XXH3 of the user_id. The capacity is
// therefore in distinct user_ids ever seen; claim() reports Full beyond it.
//
// Threads: every method may be called from any thread, concurrently.
// Ownership: owned by the GameWorld; owns its mapping.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/Assert.h"
#include "base/ConnId.h"
#include "game/Transport.h"

namespace ptnet::game {

class UserDirectory {
 public:
  enum class Claim : uint8_t { Ok, Duplicate, Full };
  static constexpr uint32_t kMaxShards = 128;  // what a location can name

  explicit UserDirectory(size_t max_users);
  ~UserDirectory();
  UserDirectory(const UserDirectory&) = delete;
  UserDirectory& operator=(const UserDirectory&) = delete;

  // Packs where a user is connected, for the shell that must reach it:
  //
  //   63         57  56  55                                      0
  //  +-------------+----+-----------------------------------------+
  //  |  shard (7)  | tr |  ConnId::pack(): generation 24, slot 32  |
  //  +-------------+----+-----------------------------------------+
  //   tr: the Transport (0 TCP, 1 reliable UDP)
  //
  // Never 0 (a valid ConnId's generation is not 0): 0 means offline.
  static uint64_t location(uint32_t shard, Transport t, ConnId conn) {
    PTNET_ASSERT(shard < kMaxShards && conn.valid());
    return (uint64_t(shard) << 57) | (uint64_t(t == Transport::Rudp) << 56) | conn.pack();
  }
  static uint32_t shard_of(uint64_t loc) { return uint32_t(loc >> 57); }
  static Transport transport_of(uint64_t loc) { return ((loc >> 56) & 1) != 0 ? Transport::Rudp : Transport::Tcp; }
  static ConnId conn_of(uint64_t loc) { return ConnId::unpack(loc & ((uint64_t(1) << 56) - 1)); }

  // Any thread. user_id must not be 0; loc must not be 0.
  Claim claim(uint32_t user_id, uint64_t loc);
  // Frees the user only if it is still at `loc`.
  void release(uint32_t user_id, uint64_t loc);
  // 0 when offline or unknown.
  uint64_t find(uint32_t user_id) const;
  size_t capacity() const { return mask_ + 1; }

 private:
  // Index of user_id's entry, inserting the key if `insert`; SIZE_MAX if
  // absent (find) or the table is full (insert).
  size_t slot_for(uint32_t user_id, bool insert) const;

  size_t mask_ = 0;
  size_t bytes_ = 0;
  uint32_t* keys_ = nullptr;
  uint64_t* values_ = nullptr;
  void* mem_ = nullptr;
};

}  // namespace ptnet::game
