// The traffic pattern's view of its connection kind (the Link): what it may
// ask for outside the Link's own calls into it. Connections are numbered
// 0..conns-1 within the worker, the same for both.
//
//   want_send(i)   connection i has something due: the Link calls
//                  Traffic::fill(i, ...) at this pass's flush (once, however
//                  often it was asked)
//   close(i, why)  the traffic found the connection unusable (corrupt echo,
//                  handshake timeout...) and has already written it off in
//                  its own state: the Link closes it and counts `why`; no
//                  callback follows (Traffic::on_lost is only for closes the
//                  Link decides itself)
//   drop(i)        the same, for a reason the traffic counted itself
//
// A Link also flags i itself after it has handed i's received messages to
// the traffic, when Traffic::owes(i) says something became due.
//
// Threads: the worker's shard thread only.
// Ownership: the flush list belongs to the Link, which derives from this.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/load/ErrorKind.h"

namespace ptnet::load {

class LinkPort {
 public:
  LinkPort(const LinkPort&) = delete;
  LinkPort& operator=(const LinkPort&) = delete;

  void want_send(uint32_t i) {
    if (queued_[i] != 0) return;
    queued_[i] = 1;
    flush_list_.push_back(i);
  }
  virtual void close(uint32_t i, ErrorKind why) = 0;
  virtual void drop(uint32_t i) = 0;

 protected:
  LinkPort() = default;
  ~LinkPort() = default;

  void size_flush_list(uint32_t conns) {
    queued_.assign(conns, 0);
    flush_list_.reserve(conns);
  }

  std::vector<uint8_t> queued_;       // [i]: i is on flush_list_
  std::vector<uint32_t> flush_list_;  // connections to fill and send this pass
};

}  // namespace ptnet::load
