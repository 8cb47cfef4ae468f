#include "rudp/AckRanges.h"

#include "rudp/Seq.h"
#include "rudp/Wire.h"

namespace ptnet::rudp {

void AckRanges::insert_at(unsigned i, uint32_t pn) {
  if (n_ == kKeep) --n_;  // forget the lowest range
  for (unsigned j = n_; j > i; --j) r_[j] = r_[j - 1];
  r_[i] = Range{pn, pn};
  ++n_;
}

void AckRanges::remove_at(unsigned i) {
  for (unsigned j = i; j + 1 < n_; ++j) r_[j] = r_[j + 1];
  --n_;
}

AckRanges::Insert AckRanges::insert(uint32_t pn) {
  for (unsigned i = 0; i < n_; ++i) {
    Range& r = r_[i];
    if (seq_gt(pn, r.hi)) {  // in the gap above r (the one above was checked already)
      if (pn == r.hi + 1) {
        r.hi = pn;
      } else {
        insert_at(i, pn);
      }
      return Insert::New;
    }
    if (seq_ge(pn, r.lo)) return Insert::Duplicate;
    if (pn + 1 == r.lo) {  // extends r downwards; may close the gap to the next range
      r.lo = pn;
      if (i + 1 < n_ && r_[i + 1].hi + 1 == pn) {
        r.lo = r_[i + 1].lo;
        remove_at(i + 1);
      }
      return Insert::New;
    }
  }
  if (n_ < kKeep) {
    r_[n_++] = Range{pn, pn};
    return Insert::New;
  }
  return Insert::Unknown;
}

bool AckRanges::contains(uint32_t pn) const {
  for (unsigned i = 0; i < n_; ++i) {
    if (seq_le(r_[i].lo, pn) && seq_le(pn, r_[i].hi)) return true;
  }
  return false;
}

size_t AckRanges::encode(uint8_t* out, unsigned max_ranges) const {
  uint8_t* p = out + 1;
  uint32_t span = r_[0].hi - r_[0].lo;
  const bool clipped = span > 0xFFFF;
  wire::store16(p, uint16_t(clipped ? 0xFFFF : span));
  p += 2;
  unsigned extra = 0;
  for (unsigned i = 1; !clipped && i < n_ && extra < max_ranges; ++i) {
    const uint32_t gap = r_[i - 1].lo - r_[i].hi - 2;
    const uint32_t len = r_[i].hi - r_[i].lo;
    if (gap > 0xFFFF || len > 0xFFFF) break;
    wire::store16(p, uint16_t(gap));
    wire::store16(p + 2, uint16_t(len));
    p += 4;
    ++extra;
  }
  out[0] = uint8_t(extra);
  return size_t(p - out);
}

}  // namespace ptnet::rudp
