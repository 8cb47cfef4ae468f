#include "tcp/FramePool.h"

#include <cstdlib>
#include <new>

namespace ptnet::tcp {

FramePool::FramePool() {
  for (size_t i = 0; i < kClasses; ++i) {
    const size_t per_slab = kClassBytes[i] <= 1024 ? 256 : 32;
    pools_[i] = ::new (storage_[i]) SlabPool(kClassBytes[i], per_slab, 16);
  }
}

FramePool::~FramePool() {
  PTNET_ASSERT(live_ == 0);
  for (SlabPool* p : pools_) p->~SlabPool();
}

SharedFrame* FramePool::create(uint32_t size) {
  const size_t need = sizeof(SharedFrame) + size;
  for (uint8_t i = 0; i < kClasses; ++i) {
    if (need > kClassBytes[i]) continue;
    void* mem = pools_[i]->allocate();
    if (mem == nullptr) return nullptr;
    ++live_;
    return ::new (mem) SharedFrame{1, size, this, i};
  }
  return SharedFrame::create(size);  // larger than any class: malloc
}

void FramePool::free(SharedFrame* f) {
  PTNET_ASSERT(f->pool == this && f->size_class < kClasses && live_ > 0);
  --live_;
  pools_[f->size_class]->deallocate(f);
}

}  // namespace ptnet::tcp
