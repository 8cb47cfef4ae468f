// A simulated bad network between a sender and its socket, sans-IO and
// deterministic: submit() copies a datagram (or drops it, or copies it twice)
// with a release time; poll(now) hands every datagram whose time has come to
// a Transmitter, earliest first (submission order among equal times, so with
// no jitter and no reordering the order is kept).
//
//   submit(d, to, now) --> dice: loss? dup? reorder? --> held (copy, release = now + delay
//                                                       + jitter [+ reorder_ns])
//   poll(now, tx)      --> every held with release <= now: tx_buffer(), copy, tx_commit(to)
//
// Used by the tests' network simulator for every link, and by the server and
// the load generator behind their --sim-* flags.
//
// Threads: one owner; not thread-safe.
// Ownership: owns the copies (slots of max_datagram bytes, grown on demand up
// to max_held and reused).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/SockAddr.h"
#include "rudp/LinkImpairmentConfig.h"
#include "rudp/Rng.h"
#include "rudp/Transmitter.h"

namespace ptnet::rudp {

class LinkImpairment {
 public:
  struct Counters {
    uint64_t submitted = 0, released = 0;
    uint64_t lost = 0, duplicated = 0, reordered = 0;
    uint64_t overflow = 0;  // dropped: max_held reached or datagram over max_datagram
  };

  explicit LinkImpairment(const LinkImpairmentConfig& cfg);

  void submit(const uint8_t* data, size_t len, const SockAddr& to, uint64_t now_ns);
  // Releases what is due; stops early when out.tx_buffer() returns nullptr.
  // Returns the number released.
  size_t poll(uint64_t now_ns, Transmitter& out);
  // Release time of the earliest held datagram; UINT64_MAX when none.
  uint64_t next_release_ns() const { return heap_.empty() ? UINT64_MAX : heap_.front().release_ns; }
  size_t held() const { return heap_.size(); }
  const Counters& counters() const { return counters_; }
  const LinkImpairmentConfig& config() const { return cfg_; }

 private:
  struct Held {
    uint64_t release_ns;
    uint64_t order;
    SockAddr to;
    uint32_t slot;
    uint32_t len;
  };
  struct Later {
    bool operator()(const Held& a, const Held& b) const {
      return a.release_ns != b.release_ns ? a.release_ns > b.release_ns : a.order > b.order;
    }
  };

  void hold(const uint8_t* data, size_t len, const SockAddr& to, uint64_t release_ns);
  uint64_t delay(bool reordered);

  LinkImpairmentConfig cfg_;
  Rng rng_;
  std::vector<Held> heap_;
  std::vector<uint8_t> storage_;
  std::vector<uint32_t> free_slots_;
  uint32_t slots_ = 0;
  uint64_t order_ = 0;
  Counters counters_;
};

}  // namespace ptnet::rudp
