#include "core/SlabPool.h"

#include <sys/mman.h>
#include <unistd.h>

namespace ptnet {

namespace {

size_t round_up(size_t n, size_t to) { return (n + to - 1) & ~(to - 1); }

size_t page_size() {
  static const size_t size = size_t(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

SlabPool::SlabPool(size_t object_size, size_t objects_per_slab, size_t alignment)
    : object_size_(object_size), alignment_(alignment < alignof(FreeNode) ? alignof(FreeNode) : alignment) {
  const size_t page = page_size();
  PTNET_ASSERT(object_size != 0);
  PTNET_ASSERT(objects_per_slab != 0);
  PTNET_ASSERT((alignment_ & (alignment_ - 1)) == 0);
  PTNET_ASSERT(alignment_ <= page);
  const size_t min_size = object_size < sizeof(FreeNode) ? sizeof(FreeNode) : object_size;
  stride_ = round_up(min_size, alignment_);
  first_offset_ = round_up(sizeof(SlabHeader), alignment_);
  slab_bytes_ = round_up(first_offset_ + stride_ * objects_per_slab, page);
  objects_per_slab_ = (slab_bytes_ - first_offset_) / stride_;
}

SlabPool::~SlabPool() {
  while (slabs_ != nullptr) {
    SlabHeader* next = slabs_->next;
    munmap(slabs_, slab_bytes_);
    slabs_ = next;
  }
}

void* SlabPool::allocate_slow() {
  if (bump_ == bump_end_) {
    // Pages of an anonymous mapping cost no RSS until first written; only the
    // header's page is touched here.
    void* mem = mmap(nullptr, slab_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return nullptr;
    // With THP set to "always" the first touch could fault in 2 MiB at once;
    // RSS must follow the objects in use, so opt out (advice only: ignore errors).
    madvise(mem, slab_bytes_, MADV_NOHUGEPAGE);
    auto* slab = static_cast<SlabHeader*>(mem);
    slab->next = slabs_;
    slabs_ = slab;
    ++slab_count_;
    bump_ = static_cast<uint8_t*>(mem) + first_offset_;
    bump_end_ = bump_ + objects_per_slab_ * stride_;
  }
  void* p = bump_;
  bump_ += stride_;
  ++in_use_;
  return p;
}

}  // namespace ptnet
