// Address -> peer slot map: open addressing with linear probing over 8-byte
// entries, keyed by SockAddr::hash(); deletion by backward shift (no
// tombstones), so a table that sees connections come and go for months never
// fills up or slows down. Grows (doubles) at half load; the caller confirms
// a candidate by comparing the address it keeps for the slot, so the table
// holds no addresses itself.
//
//   entry:  +-----------------------+--------------------------+
//           | tag = low 32 hash bits | value + 1 (0: empty)     |
//           +-----------------------+--------------------------+
//   home bucket = tag & (capacity - 1)
//
// Threads: one owner thread. Ownership: owns its entry array (heap,
// reallocated only when it grows).
#pragma once

#include <cstdint>
#include <memory>

namespace ptnet::rudp {

class AddrTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  AddrTable();

  // The value whose key matches (is_key(value) true) among entries with this
  // hash, or kNone.
  template <class IsKey>
  uint32_t find(uint64_t hash, IsKey&& is_key) const {
    const uint32_t tag = uint32_t(hash);
    for (uint32_t i = tag & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.value == 0) return kNone;
      if (e.tag == tag && is_key(e.value - 1)) return e.value - 1;
    }
  }
  // Adds (hash -> value); the key must not be present.
  void insert(uint64_t hash, uint32_t value);
  // Removes the entry (hash -> value); false if absent.
  bool erase(uint64_t hash, uint32_t value);

  uint32_t size() const { return size_; }
  uint32_t capacity() const { return mask_ + 1; }

 private:
  struct Entry {
    uint32_t tag;
    uint32_t value;  // value + 1; 0 = empty
  };
  void place(uint32_t tag, uint32_t stored);
  void grow();

  std::unique_ptr<Entry[]> entries_;
  uint32_t mask_ = 0;
  uint32_t size_ = 0;
};

}  // namespace ptnet::rudp
