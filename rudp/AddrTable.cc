#include "rudp/AddrTable.h"

#include "base/Assert.h"

namespace ptnet::rudp {

namespace {
constexpr uint32_t kInitialCapacity = 64;
}

AddrTable::AddrTable() : entries_(new Entry[kInitialCapacity]()), mask_(kInitialCapacity - 1) {}

void AddrTable::place(uint32_t tag, uint32_t stored) {
  uint32_t i = tag & mask_;
  while (entries_[i].value != 0) i = (i + 1) & mask_;
  entries_[i] = Entry{tag, stored};
}

void AddrTable::grow() {
  const uint32_t old_cap = mask_ + 1;
  std::unique_ptr<Entry[]> old = std::move(entries_);
  entries_.reset(new Entry[size_t(old_cap) * 2]());
  mask_ = old_cap * 2 - 1;
  for (uint32_t i = 0; i < old_cap; ++i) {
    if (old[i].value != 0) place(old[i].tag, old[i].value);
  }
}

void AddrTable::insert(uint64_t hash, uint32_t value) {
  PTNET_ASSERT(value != kNone);
  if ((size_ + 1) * 2 > mask_ + 1) grow();
  place(uint32_t(hash), value + 1);
  ++size_;
}

bool AddrTable::erase(uint64_t hash, uint32_t value) {
  const uint32_t tag = uint32_t(hash);
  uint32_t i = tag & mask_;
  for (;; i = (i + 1) & mask_) {
    if (entries_[i].value == 0) return false;
    if (entries_[i].tag == tag && entries_[i].value == value + 1) break;
  }
  // Backward shift: pull later entries of the probe run into the hole when
  // their home bucket does not lie (cyclically) after the hole.
  uint32_t hole = i;
  for (uint32_t j = (hole + 1) & mask_; entries_[j].value != 0; j = (j + 1) & mask_) {
    const uint32_t home = entries_[j].tag & mask_;
    const bool stays = ((j - home) & mask_) < ((j - hole) & mask_);
    if (stays) continue;
    entries_[hole] = entries_[j];
    hole = j;
  }
  entries_[hole] = Entry{0, 0};
  --size_;
  return true;
}

}  // namespace ptnet::rudp
