// The receiver's record of which packet numbers arrived: up to kKeep
// disjoint ranges, highest first, merged as holes fill. It answers
// "duplicate?" for recent packets and is what the ack block reports.
//
//   ranges:  [lo0 .. hi0]  gap  [lo1 .. hi1]  gap  [lo2 .. hi2] ...
//             hi0 = largest received
//
// When a new range would be a (kKeep+1)-th, the lowest range is forgotten:
// its packets are no longer acked by range (the sender then treats them as
// lost, and message numbers keep the retransmission harmless), and a packet
// below everything kept is reported as Unknown (processed, deduplicated by
// message number instead).
//
// Threads: one owner thread. Plain value, 68 bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::rudp {

class AckRanges {
 public:
  static constexpr unsigned kKeep = 8;
  enum class Insert : uint8_t { New, Duplicate, Unknown };

  struct Range {
    uint32_t lo, hi;
  };

  bool empty() const { return n_ == 0; }
  uint32_t largest() const { return r_[0].hi; }
  unsigned size() const { return n_; }
  const Range& range(unsigned i) const { return r_[i]; }

  Insert insert(uint32_t pn);
  bool contains(uint32_t pn) const;
  void clear() { n_ = 0; }

  // Writes the ack block's range part (n u8, first u16, n x (gap u16, len u16))
  // for at most `max_ranges` extra ranges; returns the bytes written.
  size_t encode(uint8_t* out, unsigned max_ranges) const;

 private:
  void insert_at(unsigned i, uint32_t pn);
  void remove_at(unsigned i);

  Range r_[kKeep];
  uint32_t n_ = 0;
};

}  // namespace ptnet::rudp
