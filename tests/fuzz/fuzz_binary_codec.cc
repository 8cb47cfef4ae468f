// libFuzzer target: BinaryCodec::decode on arbitrary bodies; whatever it
// accepts must re-encode to the same bytes and survive both encodings
// (tests/fuzz/CodecChecks.h). Build and run: `make fuzz` (FUZZ_SECONDS=60).
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/CodecChecks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptnet::game;
  static JsonCodec codec;
  static fuzz::Scratch scratch;
  bool accepted = false;
  if (const char* why = fuzz::check_binary(data, size, codec, scratch, &accepted)) {
    std::fprintf(stderr, "fuzz_binary_codec: %s\n", why);
    std::abort();
  }
  return 0;
}
