#include "rudp/BlockPool.h"

namespace ptnet::rudp {

namespace {
constexpr size_t kSizes[BlockPool::kClasses] = {64,   128,  256,  512,   1024,  1536,
                                                2048, 4096, 8192, 16384, 32768, 65536};
constexpr size_t kSlabTarget = 64 * 1024;  // bytes per slab (at least one block)
}  // namespace

BlockPool::BlockPool() = default;
BlockPool::~BlockPool() = default;

uint8_t BlockPool::class_of(size_t n) {
  uint8_t c = 0;
  while (c + 1u < kClasses && kSizes[c] < n) ++c;
  return c;
}

size_t BlockPool::class_size(uint8_t cls) { return kSizes[cls]; }

void* BlockPool::allocate(size_t n, uint8_t* cls) {
  PTNET_ASSERT(n != 0 && n <= kMaxBlock);
  const uint8_t c = class_of(n);
  if (PTNET_UNLIKELY(pools_[c] == nullptr)) {
    const size_t per_slab = kSizes[c] >= kSlabTarget ? 1 : kSlabTarget / kSizes[c];
    pools_[c] = std::make_unique<SlabPool>(kSizes[c], per_slab, 64);
  }
  void* p = pools_[c]->allocate();
  if (PTNET_UNLIKELY(p == nullptr)) return nullptr;
  *cls = c;
  bytes_in_use_ += kSizes[c];
  ++blocks_in_use_;
  return p;
}

void BlockPool::deallocate(void* p, uint8_t cls) {
  if (p == nullptr) return;
  PTNET_ASSERT(cls < kClasses && pools_[cls] != nullptr);
  pools_[cls]->deallocate(p);
  bytes_in_use_ -= kSizes[cls];
  --blocks_in_use_;
}

}  // namespace ptnet::rudp
