// Send buffers for datagrams on their way to the kernel: `count` slots of
// kMaxDatagram bytes in one anonymous mapping (pages are touched only as
// slots are used), handed out LIFO so a quiet shard keeps reusing the same
// few warm slots. A slot is busy from acquire() until the send's completion
// releases it.
//
//   +---------+---------+-----+-----------+
//   | slot 0  | slot 1  | ... | slot n-1  |   each kStride bytes
//   +---------+---------+-----+-----------+
//
// Threads: one shard thread. Ownership: owns the mapping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ptnet::rudp {

class TxSlots {
 public:
  static constexpr size_t kStride = 1536;  // >= kMaxDatagram, cache-line multiple

  explicit TxSlots(uint32_t count);
  ~TxSlots();
  TxSlots(const TxSlots&) = delete;
  TxSlots& operator=(const TxSlots&) = delete;

  // A free slot's buffer, or nullptr when every slot is busy.
  uint8_t* acquire();
  void release(uint32_t index) { free_.push_back(index); }
  uint32_t index_of(const uint8_t* buf) const { return uint32_t(size_t(buf - base_) / kStride); }
  bool owns(const uint8_t* buf) const { return buf >= base_ && buf < base_ + bytes_; }
  size_t busy() const { return count_ - free_.size(); }
  bool has_free() const { return !free_.empty(); }

 private:
  uint8_t* base_ = nullptr;
  size_t bytes_ = 0;
  uint32_t count_ = 0;
  std::vector<uint32_t> free_;
};

}  // namespace ptnet::rudp
