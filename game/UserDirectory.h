// user_id -> where the user is connected (shard, connection slot and
// generation), readable and writable by every shard without a lock.
//
// Lock-free open addressing over two arrays in one anonymous mapping (pages
// are touched only as entries are used). Keys are claimed with a CAS and
// never removed, so probes never see a hole appear; a user going offline
// only zeroes the value. Hashing is XXH3 of the user_id. The capacity is
// therefore in distinct user_ids ever seen; claim() reports Full beyond it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/Assert.h"
#include "base/ConnId.h"

namespace ptnet::game {

class UserDirectory {
 public:
  enum class Claim : uint8_t { Ok, Duplicate, Full };

  explicit UserDirectory(size_t max_users);
  ~UserDirectory();
  UserDirectory(const UserDirectory&) = delete;
  UserDirectory& operator=(const UserDirectory&) = delete;

  // Packs a location: the shard in the top byte, the connection's ConnId
  // below (base/ConnId.h); never 0 (0 means offline).
  static uint64_t location(uint32_t shard, ConnId conn) {
    PTNET_ASSERT(shard < 255);
    return (uint64_t(shard + 1) << 56) | conn.pack();
  }
  static uint32_t shard_of(uint64_t loc) { return uint32_t(loc >> 56) - 1; }
  static ConnId conn_of(uint64_t loc) { return ConnId::unpack(loc & 0x00FFFFFFFFFFFFFFull); }

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
