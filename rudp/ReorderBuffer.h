// The receive side's window of reliable units: a power-of-two ring of unit
// pointers over [deliver_next, deliver_next + capacity), holding the units
// that arrived out of order, the fragments of a message not yet complete, and
// (while delivery is paused) in-order units the application has not taken.
//
//   seq:   deliver_next      rcv_next                      deliver_next + capacity
//          v                 v                             v
//   ring: [ held, in order  | gap | held | gap | held | ... ]
//          slot = seq & (capacity - 1)
//
// The array (capacity x 8 bytes) comes from the BlockPool only when a unit
// must be held and goes back as soon as none is: a peer receiving in order
// never has one.
//
// Threads: one owner thread. Ownership: the buffer owns the units it holds
// and its array (both BlockPool memory); the owner frees them with clear().
#pragma once

#include <cstdint>

#include "rudp/BlockPool.h"
#include "rudp/Unit.h"

namespace ptnet::rudp {

class ReorderBuffer {
 public:
  bool allocated() const { return slots_ != nullptr; }
  uint32_t count() const { return count_; }
  uint32_t bytes() const { return bytes_; }

  // The unit held for seq, or nullptr (also when no array is allocated).
  Unit* get(uint32_t seq) const {
    if (slots_ == nullptr) return nullptr;
    Unit* u = slots_[seq & mask_];
    return u != nullptr && u->seq == seq ? u : nullptr;
  }
  // Holds u at u->seq; the array is allocated on demand. False when memory ran out.
  bool put(BlockPool& pool, uint32_t capacity, Unit* u);
  // Takes the unit held for seq out (nullptr if none); releases the array when empty.
  Unit* take(BlockPool& pool, uint32_t seq);
  // Frees every held unit and the array.
  void clear(BlockPool& pool);

 private:
  Unit** slots_ = nullptr;
  uint32_t mask_ = 0;
  uint32_t count_ = 0;
  uint32_t bytes_ = 0;
  uint8_t cls_ = 0;
};

}  // namespace ptnet::rudp
