#include "rudp/SentPacketRing.h"

#include <cstring>

namespace ptnet::rudp {

bool SentPacketRing::grow(BlockPool& pool, uint32_t max_capacity) {
  const uint32_t cap = slots_ == nullptr ? kInitialCapacity : (mask_ + 1) * 2;
  if (cap > max_capacity || size_t(cap) * sizeof(SentPacket) > BlockPool::kMaxBlock) return false;
  uint8_t cls = 0;
  auto* fresh = static_cast<SentPacket*>(pool.allocate(size_t(cap) * sizeof(SentPacket), &cls));
  if (fresh == nullptr) return false;
  for (uint32_t pn = base_; pn != next_; ++pn) fresh[pn & (cap - 1)] = slots_[pn & mask_];
  if (slots_ != nullptr) pool.deallocate(slots_, cls_);
  slots_ = fresh;
  mask_ = cap - 1;
  cls_ = cls;
  return true;
}

SentPacket* SentPacketRing::push(BlockPool& pool, uint32_t max_capacity) {
  if (slots_ == nullptr || size() == mask_ + 1) {
    if (!grow(pool, max_capacity)) return nullptr;
  }
  SentPacket& rec = slots_[next_ & mask_];
  std::memset(&rec, 0, sizeof rec);
  ++next_;
  return &rec;
}

void SentPacketRing::trim() {
  while (base_ != next_ && slots_[base_ & mask_].in_flight == 0) ++base_;
}

void SentPacketRing::release(BlockPool& pool) {
  PTNET_ASSERT(empty());
  if (slots_ == nullptr) return;
  pool.deallocate(slots_, cls_);
  slots_ = nullptr;
  mask_ = 0;
}

}  // namespace ptnet::rudp
