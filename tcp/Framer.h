// Sans-IO reassembler of length-prefixed frames:
//
//   +----------------------+------------------------+
//   | u32 length (L bytes) | body (L bytes, L >= 1) |   L <= max_frame
//   +----------------------+------------------------+
//     byte order fixed per Framer (JSON: big, binary: little)
//
// Threads: owned by one connection and touched only by that connection's
// shard thread.
// Ownership: the framer owns its assembly buffer, which exists only while a
// frame that spans feeds is being assembled, and is kept afterwards only if it
// is small (<= kKeepBufferMax bytes), so idle connections hold no big buffers.
// The bytes passed to feed() stay the caller's.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "base/Assert.h"
#include "tcp/ByteOrder.h"
#include "tcp/FrameStatus.h"

namespace ptnet::tcp {

class Framer {
 public:
  static constexpr size_t kHeaderSize = 4;
  // An assembly buffer up to this size is kept for the next split frame.
  static constexpr uint32_t kKeepBufferMax = 256;

  Framer(ByteOrder order, uint32_t max_frame);
  ~Framer();
  Framer(Framer&& other) noexcept;
  Framer& operator=(Framer&& other) noexcept;
  Framer(const Framer&) = delete;
  Framer& operator=(const Framer&) = delete;

  // Feeds the next chunk of the stream. For every complete frame calls
  // on_frame(const uint8_t* body, uint32_t len) -> bool (body excludes the
  // header). Returning false stops processing: the rest of `data` is dropped
  // and feed() returns Ok (the consumer is closing).
  // `body` points into `data` when the whole frame is there (no copy: the
  // common case), or into the assembly buffer when the frame spanned feeds;
  // it is valid only during the callback. on_frame must not call feed() or
  // reset() on this framer.
  // A zero or > max_frame length header returns ZeroLength / TooLarge before
  // anything is allocated; the framer is then poisoned: buffered() is 0 and
  // every later feed returns the same error until reset().
  template <class F>
  FrameStatus feed(const uint8_t* data, size_t len, F&& on_frame) {
    static_assert(std::is_convertible_v<std::invoke_result_t<F&, const uint8_t*, uint32_t>, bool>,
                  "on_frame(const uint8_t*, uint32_t) must return bool");
    if (PTNET_UNLIKELY(status_ != FrameStatus::Ok)) return status_;
    const uint8_t* p = data;
    const uint8_t* const end = data + len;
    if (PTNET_UNLIKELY(hdr_have_ != 0)) {  // a frame spans feeds
      if (!resume(p, end, on_frame)) return status_;
    }
    return order_ == ByteOrder::Little ? scan<ByteOrder::Little>(p, end, on_frame)
                                       : scan<ByteOrder::Big>(p, end, on_frame);
  }

  // Bytes held for an incomplete frame (header bytes included).
  size_t buffered() const { return size_t(hdr_have_) + body_have_; }
  FrameStatus status() const { return status_; }
  // Capacity of the assembly buffer currently held (0 when none).
  size_t assembly_capacity() const { return buf_cap_; }
  ByteOrder order() const { return order_; }
  // Chooses the byte order before the first byte is fed (a server that
  // serves two encodings on one port decides from the first bytes).
  void set_order(ByteOrder order) {
    PTNET_ASSERT(buffered() == 0);
    order_ = order;
  }
  uint32_t max_frame() const { return max_frame_; }

  // Drops any partial frame, frees the assembly buffer and clears the error.
  void reset();

  static void write_header(uint8_t* out, uint32_t len, ByteOrder order) {
    if (order == ByteOrder::Little) {
      store<ByteOrder::Little>(out, len);
    } else {
      store<ByteOrder::Big>(out, len);
    }
  }
  static uint32_t read_header(const uint8_t* in, ByteOrder order) {
    return order == ByteOrder::Little ? load<ByteOrder::Little>(in) : load<ByteOrder::Big>(in);
  }

 private:
  template <ByteOrder O>
  static uint32_t load(const uint8_t* in) {
    uint32_t v;
    std::memcpy(&v, in, sizeof v);
    if constexpr ((O == ByteOrder::Big) != (std::endian::native == std::endian::big)) v = __builtin_bswap32(v);
    return v;
  }
  template <ByteOrder O>
  static void store(uint8_t* out, uint32_t v) {
    if constexpr ((O == ByteOrder::Big) != (std::endian::native == std::endian::big)) v = __builtin_bswap32(v);
    std::memcpy(out, &v, sizeof v);
  }

  // True when `len` is a legal frame length; one compare: 0 wraps to UINT32_MAX.
  bool length_ok(uint32_t len) const { return len - 1u < max_frame_; }

  // Fast path: frames wholly inside [p, end) are handed out in place; a
  // trailing partial frame is stashed.
  template <ByteOrder O, class F>
  FrameStatus scan(const uint8_t* p, const uint8_t* const end, F& on_frame) {
    const uint32_t max = max_frame_;
    for (;;) {
      const size_t avail = size_t(end - p);
      if (avail < kHeaderSize) {
        if (avail != 0) stash_header(p, avail);
        return FrameStatus::Ok;
      }
      const uint32_t len = load<O>(p);
      if (PTNET_UNLIKELY(len - 1u >= max)) return poison(len);
      if (PTNET_UNLIKELY(avail - kHeaderSize < len)) {
        stash_body(p + kHeaderSize, avail - kHeaderSize, len);
        return FrameStatus::Ok;
      }
      if (!on_frame(p + kHeaderSize, len)) return FrameStatus::Ok;
      p += kHeaderSize + len;
    }
  }

  // Continues the frame that spans feeds. Returns true when the caller should
  // go on scanning from `p`; false when feed() must return status_ (more bytes
  // needed, consumer stopped, or poisoned).
  template <class F>
  bool resume(const uint8_t*& p, const uint8_t* const end, F& on_frame) {
    if (body_len_ == 0) {  // header still incomplete
      size_t n = kHeaderSize - hdr_have_;
      if (size_t(end - p) < n) n = size_t(end - p);
      std::memcpy(hdr_ + hdr_have_, p, n);
      hdr_have_ = uint8_t(hdr_have_ + n);
      p += n;
      if (hdr_have_ < kHeaderSize) return false;
      const uint32_t len = read_header(hdr_, order_);
      if (PTNET_UNLIKELY(!length_ok(len))) {
        poison(len);
        return false;
      }
      if (size_t(end - p) >= len) {  // the body is all here: no copy
        hdr_have_ = 0;
        const uint8_t* body = p;
        p += len;
        return on_frame(body, len);
      }
      stash_body(p, size_t(end - p), len);
      p = end;
      return false;
    }
    size_t n = body_len_ - body_have_;
    if (size_t(end - p) < n) n = size_t(end - p);
    std::memcpy(buf_ + body_have_, p, n);
    body_have_ += uint32_t(n);
    p += n;
    if (body_have_ < body_len_) return false;
    const uint32_t len = body_len_;
    hdr_have_ = 0;
    body_len_ = 0;
    body_have_ = 0;
    const bool go_on = on_frame(static_cast<const uint8_t*>(buf_), len);
    if (buf_cap_ > kKeepBufferMax) release_buffer();
    return go_on;
  }

  void stash_header(const uint8_t* p, size_t n);
  // Starts assembling a frame of `len` body bytes, `n` (< len) of them at `p`.
  void stash_body(const uint8_t* p, size_t n, uint32_t len);
  [[gnu::cold]] FrameStatus poison(uint32_t len);
  void release_buffer();

  uint8_t* buf_ = nullptr;  // assembly buffer (malloc), buf_cap_ bytes
  uint32_t buf_cap_ = 0;
  uint32_t body_len_ = 0;   // length of the frame being assembled; 0 while its header is incomplete
  uint32_t body_have_ = 0;  // body bytes of it assembled so far
  uint32_t max_frame_;
  uint8_t hdr_[kHeaderSize] = {};
  uint8_t hdr_have_ = 0;    // header bytes held; kHeaderSize while a body is assembled
  ByteOrder order_;
  FrameStatus status_ = FrameStatus::Ok;
};

}  // namespace ptnet::tcp
