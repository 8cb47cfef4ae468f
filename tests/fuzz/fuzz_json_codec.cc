// libFuzzer target: JsonCodec::decode on arbitrary bodies; whatever it accepts
// must survive re-encoding in both encodings (tests/fuzz/CodecChecks.h).
// Build and run: `make fuzz` (uses json.dict and the seeds/ corpus).
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/CodecChecks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptnet::game;
  static JsonCodec codec;  // the server's default max_document (64 KiB)
  static fuzz::Scratch scratch;
  bool accepted = false;
  if (const char* why = fuzz::check_json(data, size, codec, scratch, &accepted)) {
    std::fprintf(stderr, "fuzz_json_codec: %s\n", why);
    std::abort();
  }
  return 0;
}
