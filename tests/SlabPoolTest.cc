// SlabPool and ObjectPool: allocation, reuse, alignment, accounting.
#include "core/SlabPool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "core/ObjectPool.h"

namespace ptnet {
namespace {

TEST(SlabPool, AllocateReturnsDistinctWritableObjects) {
  SlabPool pool(48, 16);
  std::vector<uint8_t*> ptrs;
  for (int i = 0; i < 16; ++i) {
    auto* p = static_cast<uint8_t*>(pool.allocate());
    ASSERT_NE(p, nullptr);
    std::memset(p, i, 48);
    ptrs.push_back(p);
  }
  for (int i = 0; i < 16; ++i) {
    for (int b = 0; b < 48; ++b) ASSERT_EQ(ptrs[size_t(i)][b], i) << "object " << i << " overlaps another";
  }
  for (uint8_t* p : ptrs) pool.deallocate(p);
}

TEST(SlabPool, FreedObjectIsReusedFirst) {
  SlabPool pool(32, 8);
  void* a = pool.allocate();
  void* b = pool.allocate();
  pool.deallocate(a);
  EXPECT_EQ(pool.allocate(), a);  // LIFO: the most recently freed comes back
  pool.deallocate(b);
  pool.deallocate(a);
  EXPECT_EQ(pool.allocate(), a);
  EXPECT_EQ(pool.allocate(), b);
}

TEST(SlabPool, ObjectsHonourTheRequestedAlignment) {
  for (size_t align : {size_t(8), size_t(16), size_t(64), size_t(256)}) {
    SlabPool pool(40, 10, align);
    for (int i = 0; i < 50; ++i) {
      const auto addr = reinterpret_cast<uintptr_t>(pool.allocate());
      ASSERT_NE(addr, 0u);
      ASSERT_EQ(addr % align, 0u) << "alignment " << align;
    }
  }
}

TEST(SlabPool, TinyObjectsGetRoomForTheFreeListLink) {
  SlabPool pool(1, 4, 1);
  EXPECT_GE(pool.stride(), sizeof(void*));
  void* a = pool.allocate();
  void* b = pool.allocate();
  EXPECT_GE(static_cast<uint8_t*>(b) - static_cast<uint8_t*>(a), ptrdiff_t(sizeof(void*)));
}

TEST(SlabPool, CountsTrackAllocationsAndSlabs) {
  SlabPool pool(64, 100);
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_EQ(pool.capacity(), 0u);  // no slab until the first allocation
  EXPECT_EQ(pool.object_size(), 64u);
  void* a = pool.allocate();
  EXPECT_EQ(pool.in_use(), 1u);
  EXPECT_GE(pool.capacity(), 100u);
  EXPECT_EQ(pool.capacity(), pool.objects_per_slab());
  void* b = pool.allocate();
  EXPECT_EQ(pool.in_use(), 2u);
  pool.deallocate(a);
  EXPECT_EQ(pool.in_use(), 1u);
  pool.deallocate(b);
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_EQ(pool.slab_count(), 1u);
}

TEST(SlabPool, GrowsAcrossManySlabs) {
  SlabPool pool(24, 10);
  std::set<void*> seen;
  std::vector<void*> ptrs;
  const size_t count = 10'000;
  for (size_t i = 0; i < count; ++i) {
    void* p = pool.allocate();
    ASSERT_NE(p, nullptr);
    ASSERT_TRUE(seen.insert(p).second) << "duplicate object";
    std::memset(p, int(i), 24);
    ptrs.push_back(p);
  }
  EXPECT_EQ(pool.in_use(), count);
  EXPECT_GT(pool.slab_count(), 1u);
  EXPECT_GE(pool.capacity(), count);
  EXPECT_EQ(pool.capacity(), pool.slab_count() * pool.objects_per_slab());
  for (size_t i = 0; i < count; ++i) ASSERT_EQ(*static_cast<uint8_t*>(ptrs[i]), uint8_t(i));
  for (void* p : ptrs) pool.deallocate(p);
  EXPECT_EQ(pool.in_use(), 0u);
  // Everything freed is reused before any new slab is mapped.
  const size_t slabs = pool.slab_count();
  for (size_t i = 0; i < count; ++i) ASSERT_EQ(seen.count(pool.allocate()), 1u);
  EXPECT_EQ(pool.slab_count(), slabs);
}

TEST(SlabPool, NewSlabTouchesOnlyThePagesOfObjectsHandedOut) {
  const size_t page = size_t(sysconf(_SC_PAGESIZE));
  SlabPool pool(256, 64 * 1024);  // a 16 MiB slab
  auto* first = static_cast<uint8_t*>(pool.allocate());
  ASSERT_NE(first, nullptr);
  std::memset(first, 1, 256);
  auto* slab = reinterpret_cast<uint8_t*>(reinterpret_cast<uintptr_t>(first) & ~uintptr_t(page - 1));
  const size_t pages = pool.slab_bytes() / page;
  std::vector<unsigned char> residency(pages);
  ASSERT_EQ(mincore(slab, pool.slab_bytes(), residency.data()), 0);
  size_t resident = 0;
  for (unsigned char r : residency) resident += r & 1;
  EXPECT_GE(resident, 1u);
  EXPECT_LE(resident, 2u) << "of " << pages << " pages";
  pool.deallocate(first);
}

TEST(SlabPool, DeallocateNullIsANoOp) {
  SlabPool pool(16, 4);
  pool.deallocate(nullptr);
  EXPECT_EQ(pool.in_use(), 0u);
}

struct Counted {
  static inline int constructed = 0;
  static inline int destroyed = 0;
  int a;
  double b;
  Counted(int x, double y) : a(x), b(y) { ++constructed; }
  ~Counted() { ++destroyed; }
};

TEST(ObjectPool, CreateConstructsAndDestroyDestructs) {
  Counted::constructed = 0;
  Counted::destroyed = 0;
  ObjectPool<Counted> pool(8);
  std::vector<Counted*> objs;
  for (int i = 0; i < 20; ++i) {
    Counted* c = pool.create(i, i * 0.5);
    ASSERT_NE(c, nullptr);
    objs.push_back(c);
  }
  EXPECT_EQ(Counted::constructed, 20);
  EXPECT_EQ(Counted::destroyed, 0);
  EXPECT_EQ(pool.in_use(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(objs[size_t(i)]->a, i);
    EXPECT_EQ(objs[size_t(i)]->b, i * 0.5);
  }
  for (Counted* c : objs) pool.destroy(c);
  EXPECT_EQ(Counted::destroyed, 20);
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(ObjectPool, DestroyedSlotIsReusedByTheNextCreate) {
  ObjectPool<Counted> pool;
  Counted* a = pool.create(1, 1.0);
  pool.destroy(a);
  Counted* b = pool.create(2, 2.0);
  EXPECT_EQ(a, b);
  EXPECT_EQ(b->a, 2);
  pool.destroy(b);
}

struct alignas(64) Wide {
  uint8_t bytes[100];
};

TEST(ObjectPool, OverAlignedTypesAreAligned) {
  ObjectPool<Wide> pool(4);
  std::vector<Wide*> objs;
  for (int i = 0; i < 10; ++i) {
    Wide* w = pool.create();
    ASSERT_EQ(reinterpret_cast<uintptr_t>(w) % 64, 0u);
    objs.push_back(w);
  }
  for (Wide* w : objs) pool.destroy(w);
}

}  // namespace
}  // namespace ptnet
