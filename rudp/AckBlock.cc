#include "rudp/AckBlock.h"

namespace ptnet::rudp {

size_t parse_ack_block(const uint8_t* p, size_t n, uint32_t largest, AckBlock* out) {
  if (n < wire::kAckBlockMin) return 0;
  const unsigned extra = p[6];
  const size_t size = wire::kAckBlockMin + 4 * size_t(extra);
  if (extra > wire::kMaxAckRanges || size > n) return 0;
  out->delay_ns = uint64_t(wire::load16(p)) * wire::kAckDelayUnitNs;
  out->rcv_next = wire::load32(p + 2);
  uint32_t hi = largest;
  uint32_t lo = hi - wire::load16(p + 7);
  out->ranges[0] = AckBlock::Range{lo, hi};
  const uint8_t* r = p + wire::kAckBlockMin;
  for (unsigned i = 0; i < extra; ++i, r += 4) {
    hi = lo - wire::load16(r) - 2;
    lo = hi - wire::load16(r + 2);
    out->ranges[i + 1] = AckBlock::Range{lo, hi};
  }
  out->count = extra + 1;
  return size;
}

}  // namespace ptnet::rudp
