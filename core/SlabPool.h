// Fixed-size object allocator for one shard: objects are carved from slabs
// mapped straight from the OS, and freed objects go on an intrusive LIFO free
// list so the next allocation reuses the most recently freed (cache-warm)
// object.
//
// Threads: not thread-safe; owned and touched by one shard thread only.
// Ownership: the pool owns every slab and returns them all to the OS in its
// destructor, whether or not objects are still allocated (their owners must
// be gone by then). Callers own an object from allocate() to deallocate().
//
// Slab layout (one anonymous mapping each, a whole number of pages):
//
//   +-------------+----------+----------+-----+----------+---------+
//   | SlabHeader  | object 0 | object 1 | ... | object n | (slack) |
//   +-------------+----------+----------+-----+----------+---------+
//   ^ page aligned ^ aligned to `alignment`; stride = object size rounded
//                    up to `alignment` (and to at least a pointer)
//
// A new slab is carved lazily with a bump pointer: objects (and so pages) are
// touched only when handed out, so RSS grows with objects actually used.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/Assert.h"

namespace ptnet {

class SlabPool {
 public:
  // `alignment` must be a power of two no larger than a page. The per-slab
  // count is rounded up so that the slab fills its last page.
  SlabPool(size_t object_size, size_t objects_per_slab, size_t alignment = 16);
  ~SlabPool();
  SlabPool(const SlabPool&) = delete;
  SlabPool& operator=(const SlabPool&) = delete;

  // Returns nullptr only when the OS refuses a new slab.
  void* allocate() {
    if (free_ != nullptr) {  // hot path: pop the free list
      FreeNode* n = free_;
      free_ = n->next;
      ++in_use_;
      return n;
    }
    return allocate_slow();
  }

  // `p` must come from this pool's allocate() (nullptr is ignored).
  void deallocate(void* p) {
    if (p == nullptr) return;
    // Cheap misuse checks: a double free or a foreign pointer usually
    // breaks one of these.
    PTNET_ASSERT(in_use_ != 0);
    PTNET_ASSERT((reinterpret_cast<uintptr_t>(p) & (alignment_ - 1)) == 0);
    FreeNode* n = static_cast<FreeNode*>(p);
    n->next = free_;
    free_ = n;
    --in_use_;
  }

  size_t in_use() const { return in_use_; }
  size_t capacity() const { return slab_count_ * objects_per_slab_; }  // objects in all slabs
  size_t object_size() const { return object_size_; }  // as requested
  size_t stride() const { return stride_; }            // bytes between objects
  size_t objects_per_slab() const { return objects_per_slab_; }
  size_t slab_count() const { return slab_count_; }
  size_t slab_bytes() const { return slab_bytes_; }

 private:
  struct FreeNode {
    FreeNode* next;
  };
  struct SlabHeader {
    SlabHeader* next;
  };

  void* allocate_slow();

  FreeNode* free_ = nullptr;    // LIFO of freed objects
  uint8_t* bump_ = nullptr;     // next never-used object in the newest slab
  uint8_t* bump_end_ = nullptr; // end of the carvable area of the newest slab
  size_t in_use_ = 0;
  size_t object_size_;
  size_t alignment_;
  size_t stride_;
  size_t first_offset_ = 0;     // offset of object 0 from the slab start
  size_t objects_per_slab_ = 0;
  size_t slab_bytes_ = 0;
  size_t slab_count_ = 0;
  SlabHeader* slabs_ = nullptr; // every slab, newest first
};

}  // namespace ptnet
