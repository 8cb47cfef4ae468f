// One room as one shard sees it: its members on this shard and its entry in
// the shared RoomDirectory (which knows the other shards with members). The
// shell reads it to fan a room message out: `members` locally, the
// directory's shard mask for one mailbox hop per other shard.
//
// Threads: its shard's thread only.
// Ownership: owned by the GameCore's room table; exists while the shard has
// members (and during the broadcast that tells the others its last member
// left). `members` point at Sessions the same GameCore owns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ptnet::game {

struct Session;

struct LocalRoom {
  uint32_t id = 0;
  size_t entry = 0;                // in the RoomDirectory
  std::vector<Session*> members;   // unordered
};

}  // namespace ptnet::game
