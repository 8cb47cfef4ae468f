// Game protocol codecs: decode and encode of the two hot messages, a
// ChatMessage with 64 bytes of text and a PlayerMove, in both encodings
// (frame bodies only; framing is bench_framer's).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "game/BinaryCodec.h"
#include "game/JsonCodec.h"
#include "game/Message.h"

namespace {

using ptnet::game::BinaryCodec;
using ptnet::game::DecodeStatus;
using ptnet::game::JsonCodec;
using ptnet::game::Message;
using ptnet::game::MsgType;

const std::string kText64 = "The thief was last seen near the old mill, heading north-east!!!";  // 64 bytes

Message chat() {
  Message m;
  m.type = MsgType::ChatMessage;
  m.user_id = 123456;
  m.room_id = 42;
  m.text = kText64;
  return m;
}

Message move() {
  Message m;
  m.type = MsgType::PlayerMove;
  m.user_id = 123456;
  m.room_id = 42;
  m.x = 1024.625f;
  m.y = -37.1f;
  m.z = 0.5f;
  m.seq = 987654;
  return m;
}

Message by_arg(int64_t arg) { return arg == 0 ? chat() : move(); }
const char* label(int64_t arg) { return arg == 0 ? "chat64" : "move"; }

void BM_BinaryDecode(benchmark::State& state) {
  const Message m = by_arg(state.range(0));
  std::vector<uint8_t> body(BinaryCodec::encoded_size(m));
  BinaryCodec::encode(m, body.data());
  Message out;
  for (auto _ : state) {
    const DecodeStatus st = BinaryCodec::decode(body.data(), body.size(), &out);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body.size()));
  state.SetLabel(label(state.range(0)));
}
BENCHMARK(BM_BinaryDecode)->Arg(0)->Arg(1);

void BM_BinaryEncode(benchmark::State& state) {
  const Message m = by_arg(state.range(0));
  std::vector<uint8_t> out(BinaryCodec::encoded_size(m));
  for (auto _ : state) {
    const size_t n = BinaryCodec::encode(m, out.data());
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(out.size()));
  state.SetLabel(label(state.range(0)));
}
BENCHMARK(BM_BinaryEncode)->Arg(0)->Arg(1);

void BM_JsonDecode(benchmark::State& state) {
  const Message m = by_arg(state.range(0));
  std::vector<uint8_t> body(JsonCodec::max_encoded_size(m));
  body.resize(JsonCodec::encode(m, body.data()));
  JsonCodec codec;
  Message out;
  for (auto _ : state) {
    const DecodeStatus st = codec.decode(body.data(), body.size(), &out);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body.size()));
  state.SetLabel(label(state.range(0)));
}
BENCHMARK(BM_JsonDecode)->Arg(0)->Arg(1);

// The seed's Python client style: json.dumps() with spaces after separators.
void BM_JsonDecodePythonStyle(benchmark::State& state) {
  const std::string body =
      R"({"ChatMessage": {"user_id": 123456, "room_id": 42, "message": ")" + kText64 + R"("}})";
  JsonCodec codec;
  Message out;
  for (auto _ : state) {
    const DecodeStatus st = codec.decode(reinterpret_cast<const uint8_t*>(body.data()), body.size(), &out);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body.size()));
}
BENCHMARK(BM_JsonDecodePythonStyle);

void BM_JsonEncode(benchmark::State& state) {
  const Message m = by_arg(state.range(0));
  std::vector<uint8_t> out(JsonCodec::max_encoded_size(m));
  size_t n = 0;
  for (auto _ : state) {
    n = JsonCodec::encode(m, out.data());
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n));
  state.SetLabel(label(state.range(0)));
}
BENCHMARK(BM_JsonEncode)->Arg(0)->Arg(1);

}  // namespace
