#include "tcp/Framer.h"

#include <cstdlib>
#include <utility>

namespace ptnet::tcp {

Framer::Framer(ByteOrder order, uint32_t max_frame) : max_frame_(max_frame), order_(order) {
  PTNET_ASSERT(max_frame != 0);
}

Framer::~Framer() { std::free(buf_); }

Framer::Framer(Framer&& other) noexcept
    : buf_(std::exchange(other.buf_, nullptr)),
      buf_cap_(std::exchange(other.buf_cap_, 0)),
      body_len_(other.body_len_),
      body_have_(other.body_have_),
      max_frame_(other.max_frame_),
      hdr_have_(other.hdr_have_),
      order_(other.order_),
      status_(other.status_) {
  std::memcpy(hdr_, other.hdr_, kHeaderSize);
  other.reset();
}

Framer& Framer::operator=(Framer&& other) noexcept {
  if (this != &other) {
    std::free(buf_);
    buf_ = std::exchange(other.buf_, nullptr);
    buf_cap_ = std::exchange(other.buf_cap_, 0);
    body_len_ = other.body_len_;
    body_have_ = other.body_have_;
    max_frame_ = other.max_frame_;
    std::memcpy(hdr_, other.hdr_, kHeaderSize);
    hdr_have_ = other.hdr_have_;
    order_ = other.order_;
    status_ = other.status_;
    other.reset();
  }
  return *this;
}

void Framer::reset() {
  release_buffer();
  body_len_ = 0;
  body_have_ = 0;
  hdr_have_ = 0;
  status_ = FrameStatus::Ok;
}

void Framer::stash_header(const uint8_t* p, size_t n) {
  std::memcpy(hdr_, p, n);
  hdr_have_ = uint8_t(n);
}

void Framer::stash_body(const uint8_t* p, size_t n, uint32_t len) {
  if (buf_cap_ < len) {
    std::free(buf_);
    // Small frames share one keepable size class so the buffer is reused;
    // big ones get exactly their size and are freed when they complete.
    const uint32_t cap = len <= kKeepBufferMax ? kKeepBufferMax : len;
    buf_ = static_cast<uint8_t*>(std::malloc(cap));
    PTNET_ASSERT(buf_ != nullptr);  // no exceptions: out of memory is fatal
    buf_cap_ = cap;
  }
  std::memcpy(buf_, p, n);
  hdr_have_ = kHeaderSize;
  body_len_ = len;
  body_have_ = uint32_t(n);
}

FrameStatus Framer::poison(uint32_t len) {
  release_buffer();
  body_len_ = 0;
  body_have_ = 0;
  hdr_have_ = 0;
  status_ = len == 0 ? FrameStatus::ZeroLength : FrameStatus::TooLarge;
  return status_;
}

void Framer::release_buffer() {
  std::free(buf_);
  buf_ = nullptr;
  buf_cap_ = 0;
}

}  // namespace ptnet::tcp
