#include "rudp/ReorderBuffer.h"

#include <cstring>

namespace ptnet::rudp {

bool ReorderBuffer::put(BlockPool& pool, uint32_t capacity, Unit* u) {
  if (slots_ == nullptr) {
    uint8_t cls = 0;
    auto* s = static_cast<Unit**>(pool.allocate(size_t(capacity) * sizeof(Unit*), &cls));
    if (s == nullptr) return false;
    std::memset(s, 0, size_t(capacity) * sizeof(Unit*));
    slots_ = s;
    mask_ = capacity - 1;
    cls_ = cls;
  }
  Unit*& slot = slots_[u->seq & mask_];
  PTNET_ASSERT(slot == nullptr);
  slot = u;
  ++count_;
  bytes_ += u->len;
  return true;
}

Unit* ReorderBuffer::take(BlockPool& pool, uint32_t seq) {
  if (slots_ == nullptr) return nullptr;
  Unit*& slot = slots_[seq & mask_];
  Unit* u = slot;
  if (u == nullptr || u->seq != seq) return nullptr;
  slot = nullptr;
  --count_;
  bytes_ -= u->len;
  if (count_ == 0) {
    pool.deallocate(slots_, cls_);
    slots_ = nullptr;
  }
  return u;
}

void ReorderBuffer::clear(BlockPool& pool) {
  if (slots_ == nullptr) return;
  for (uint32_t i = 0; i <= mask_; ++i) {
    if (slots_[i] != nullptr) pool.deallocate(slots_[i], slots_[i]->cls);
  }
  pool.deallocate(slots_, cls_);
  slots_ = nullptr;
  count_ = 0;
  bytes_ = 0;
}

}  // namespace ptnet::rudp
