#include "rudp/FrameReader.h"

namespace ptnet::rudp {

int FrameReader::next(Frame* f) {
  if (p_ == end_) return 0;
  const size_t avail = size_t(end_ - p_);
  if (avail < 3) return -1;
  const uint8_t kind = p_[0];
  const uint8_t type = kind & wire::kKindTypeMask;
  const bool next = (kind & wire::kKindNext) != 0;
  if ((kind & wire::kKindReservedMask) != 0 || type == wire::kKindTypeMask) return -1;
  const bool unreliable = type == wire::kKindUnreliable;
  const bool fragment = type == wire::kKindFragment;
  if (next && !(unreliable ? has_unreliable_ : has_reliable_)) return -1;
  const size_t hdr = 3 + (next ? 0 : 4) + (fragment ? 4 : 0);
  if (avail < hdr) return -1;
  const uint16_t len = wire::load16(p_ + 1);
  if (avail - hdr < len) return -1;
  const uint8_t* q = p_ + 3;
  uint32_t& last = unreliable ? last_unreliable_ : last_reliable_;
  f->seq = next ? last + 1 : wire::load32(q);
  q += next ? 0 : 4;
  f->frag_index = f->frag_count = 0;
  if (fragment) {
    f->frag_index = wire::load16(q);
    f->frag_count = wire::load16(q + 2);
    if (f->frag_count < 2 || f->frag_index >= f->frag_count || f->frag_count > max_fragments_) return -1;
  }
  last = f->seq;
  (unreliable ? has_unreliable_ : has_reliable_) = true;
  f->kind = type;
  f->len = len;
  f->data = p_ + hdr;
  p_ += hdr + len;
  return 1;
}

}  // namespace ptnet::rudp
