// One unit of a message stream: a whole message, one fragment of a
// reliable message, or an unreliable message, with its payload right after
// the record in the same BlockPool block. The same record serves the send
// side (queued, then linked into the sent packet that carries it until it is
// acked) and the receive side (held in the ReorderBuffer).
//
//   +------+-----+-----+------------+------------+------+-----+-----+---------------+
//   | next | seq | len | frag_index | frag_count | kind | cls | pad | payload (len) |
//   |  8   |  4  |  2  |     2      |     2      |  1   |  1  |  4  |               |
//   +------+-----+-----+------------+------------+------+-----+-----+---------------+
//   0                                                                24
//
// Threads: one owner thread. Ownership: exactly one list (a UnitQueue, a
// SentPacket, a ReorderBuffer slot) holds a unit at a time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptnet::rudp {

struct Unit {
  Unit* next;
  uint32_t seq;         // reliable unit number, or unreliable message number
  uint16_t len;         // payload bytes
  uint16_t frag_index;
  uint16_t frag_count;  // 0: a whole message
  uint8_t kind;         // wire::kKindReliable / kKindFragment / kKindUnreliable
  uint8_t cls;          // BlockPool class of this block

  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }
};

static_assert(sizeof(Unit) == 24, "Unit header layout");

// FIFO of units linked through Unit::next.
struct UnitQueue {
  Unit* head = nullptr;
  Unit* tail = nullptr;

  bool empty() const { return head == nullptr; }
  void push_back(Unit* u) {
    u->next = nullptr;
    if (tail != nullptr) {
      tail->next = u;
    } else {
      head = u;
    }
    tail = u;
  }
  Unit* pop_front() {
    Unit* u = head;
    head = u->next;
    if (head == nullptr) tail = nullptr;
    u->next = nullptr;
    return u;
  }
};

}  // namespace ptnet::rudp
