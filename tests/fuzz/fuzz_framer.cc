// libFuzzer target: tcp::Framer. The input picks a byte order, a max_frame
// and a way of cutting the stream into feeds; the frames delivered, the final
// status and the bytes left buffered must match a plain reference parse of the
// whole stream, however the stream was cut.
//
//   input: [u8 flags][u8 cut seed][stream...]
//     flags bit 0: byte order (1 = big);  bits 1-3: max_frame from kMaxFrames
//     cut seed:    0 = one feed per byte; otherwise seeds the feed sizes
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "tcp/Framer.h"

namespace {

using ptnet::tcp::ByteOrder;
using ptnet::tcp::FrameStatus;
using ptnet::tcp::Framer;
using Bytes = std::vector<uint8_t>;

constexpr uint32_t kMaxFrames[] = {1, 2, 5, 16, 64, 255, 300, 65536};

struct Parse {
  std::vector<Bytes> frames;
  FrameStatus status = FrameStatus::Ok;
  size_t leftover = 0;  // bytes of an incomplete last frame (Ok only)
};

Parse reference(const uint8_t* p, size_t n, ByteOrder order, uint32_t max) {
  Parse r;
  size_t i = 0;
  while (n - i >= Framer::kHeaderSize) {
    const uint32_t len = Framer::read_header(p + i, order);
    if (len == 0 || len > max) {
      r.status = len == 0 ? FrameStatus::ZeroLength : FrameStatus::TooLarge;
      return r;
    }
    if (n - i - Framer::kHeaderSize < len) break;
    r.frames.emplace_back(p + i + Framer::kHeaderSize, p + i + Framer::kHeaderSize + len);
    i += Framer::kHeaderSize + len;
  }
  r.leftover = n - i;
  return r;
}

[[noreturn]] void fail(const char* why) {
  std::fprintf(stderr, "fuzz_framer: %s\n", why);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const ByteOrder order = (data[0] & 1) ? ByteOrder::Big : ByteOrder::Little;
  const uint32_t max = kMaxFrames[(data[0] >> 1) & 7];
  uint32_t seed = data[1];
  const uint8_t* stream = data + 2;
  const size_t n = size - 2;
  const Parse want = reference(stream, n, order, max);

  Framer framer(order, max);
  Parse got;
  auto on_frame = [&](const uint8_t* body, uint32_t len) {
    got.frames.emplace_back(body, body + len);
    return true;
  };
  size_t off = 0;
  while (off < n) {
    size_t chunk = 1;
    if (seed != 0) {
      seed = seed * 1103515245u + 12345u;
      chunk = 1 + (seed >> 16) % 97;
    }
    if (chunk > n - off) chunk = n - off;
    got.status = framer.feed(stream + off, chunk, on_frame);
    off += chunk;
    if (got.status != FrameStatus::Ok) break;
  }
  if (got.status != want.status) fail("status differs from the reference parse");
  if (got.frames != want.frames) fail("frames differ from the reference parse");
  if (got.status == FrameStatus::Ok && framer.buffered() != want.leftover) fail("buffered() != leftover bytes");
  if (got.status != FrameStatus::Ok) {
    if (framer.buffered() != 0) fail("a poisoned framer holds bytes");
    const uint8_t more[8] = {0, 0, 0, 1, 1, 0, 0, 0};
    if (framer.feed(more, sizeof more, on_frame) != got.status) fail("a poisoned framer accepted more bytes");
    framer.reset();
    if (framer.status() != FrameStatus::Ok || framer.buffered() != 0) fail("reset() did not clear the framer");
  }
  if (framer.assembly_capacity() > Framer::kKeepBufferMax && framer.buffered() == 0) {
    fail("a big assembly buffer outlived its frame");
  }

  // A consumer that stops after the first frame sees exactly one frame.
  if (!want.frames.empty()) {
    Framer once(order, max);
    size_t calls = 0;
    once.feed(stream, n, [&](const uint8_t*, uint32_t) { return ++calls, false; });
    if (calls != 1) fail("on_frame returning false did not stop delivery");
  }
  return 0;
}
