// Typed object pool over a SlabPool: create() constructs a T in a pooled
// slot, destroy() runs ~T and returns the slot.
//
// Threads: not thread-safe; owned and touched by one shard thread only.
// Ownership: the pool owns the memory; callers own each object from create()
// to destroy(). Objects still alive when the pool dies are NOT destroyed
// (their memory is simply unmapped): owners destroy them first.
#pragma once

#include <cstddef>
#include <new>
#include <utility>

#include "core/SlabPool.h"

namespace ptnet {

template <class T>
class ObjectPool {
 public:
  explicit ObjectPool(size_t per_slab = 256)
      : slab_(sizeof(T), per_slab, alignof(T) < 16 ? 16 : alignof(T)) {}
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  // Returns nullptr only when the OS refuses memory.
  template <class... A>
  T* create(A&&... a) {
    void* mem = slab_.allocate();
    if (PTNET_UNLIKELY(mem == nullptr)) return nullptr;
    return ::new (mem) T(std::forward<A>(a)...);
  }

  // `p` must come from this pool's create() (nullptr is ignored).
  void destroy(T* p) {
    if (p == nullptr) return;
    p->~T();
    slab_.deallocate(p);
  }

  size_t in_use() const { return slab_.in_use(); }
  size_t capacity() const { return slab_.capacity(); }

 private:
  SlabPool slab_;
};

}  // namespace ptnet
