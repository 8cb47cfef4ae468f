// A peer's sent-packet records, indexed by packet number: a power-of-two
// ring over [base, next) where `next` is the next packet number to use and
// `base` the oldest record still in flight (records that are acked or lost
// are cleared and `base` moves past them).
//
//   pn:      base                                   next
//            v                                      v
//   ring:  [ in flight | acked | in flight | lost | ... free ... ]
//            slot = pn & (capacity - 1)
//
// The array comes from the BlockPool when the first packet is sent, doubles
// when full (up to a cap) and is given back when the peer has nothing in
// flight for a while (release()), so an idle peer holds none.
//
// Threads: one owner thread. Ownership: the ring owns its array (the
// BlockPool's memory); the records' units belong to the peer's send state.
#pragma once

#include <cstdint>

#include "rudp/BlockPool.h"
#include "rudp/SentPacket.h"

namespace ptnet::rudp {

class SentPacketRing {
 public:
  static constexpr uint32_t kInitialCapacity = 16;

  void reset(uint32_t first_pn) { base_ = next_ = first_pn; }

  uint32_t next_pn() const { return next_; }
  uint32_t base_pn() const { return base_; }
  uint32_t size() const { return next_ - base_; }
  bool empty() const { return next_ == base_; }
  // True when pn was sent and its record is still kept.
  bool holds(uint32_t pn) const { return pn - base_ < next_ - base_; }
  SentPacket& at(uint32_t pn) { return slots_[pn & mask_]; }
  const SentPacket& at(uint32_t pn) const { return slots_[pn & mask_]; }
  // The oldest record, in flight (base moved past the others); nullptr when empty.
  const SentPacket* oldest() const { return empty() ? nullptr : &slots_[base_ & mask_]; }

  // A cleared record for packet number next_pn() (then next_pn() advances).
  // nullptr when the ring is at `max_capacity` and full, or memory ran out.
  SentPacket* push(BlockPool& pool, uint32_t max_capacity);
  // Consumes packet number next_pn() for a packet that is not tracked (a
  // PING): no record is needed when nothing else is kept.
  bool skip(BlockPool& pool, uint32_t max_capacity) {
    if (empty()) {
      ++base_;
      ++next_;
      return true;
    }
    return push(pool, max_capacity) != nullptr;
  }
  // Moves base past records no longer in flight.
  void trim();
  // Gives the array back to the pool (only when empty).
  void release(BlockPool& pool);
  uint32_t capacity() const { return slots_ == nullptr ? 0 : mask_ + 1; }

 private:
  bool grow(BlockPool& pool, uint32_t max_capacity);

  SentPacket* slots_ = nullptr;
  uint32_t mask_ = 0;
  uint32_t base_ = 0;
  uint32_t next_ = 0;
  uint8_t cls_ = 0;
};

}  // namespace ptnet::rudp
