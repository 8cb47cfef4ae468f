#include "rudp/TxSlots.h"

#include <sys/mman.h>

#include "base/Assert.h"
#include "rudp/Transmitter.h"

namespace ptnet::rudp {

static_assert(TxSlots::kStride >= kMaxDatagram, "a slot holds the largest datagram");

TxSlots::TxSlots(uint32_t count) : bytes_(size_t(count) * kStride), count_(count) {
  void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  PTNET_ASSERT(p != MAP_FAILED);
  base_ = static_cast<uint8_t*>(p);
  free_.reserve(count);
  for (uint32_t i = count; i > 0; --i) free_.push_back(i - 1);
}

TxSlots::~TxSlots() { munmap(base_, bytes_); }

uint8_t* TxSlots::acquire() {
  if (free_.empty()) return nullptr;
  const uint32_t i = free_.back();
  free_.pop_back();
  return base_ + size_t(i) * kStride;
}

}  // namespace ptnet::rudp
