#include "game/CastBatch.h"

#include <cstdlib>
#include <cstring>

namespace ptnet::game {

CastBatch* CastBatch::create(GameServer* server, size_t bytes) {
  auto* b = static_cast<CastBatch*>(std::malloc(sizeof(CastBatch) + bytes));
  if (b == nullptr) return nullptr;
  b->server_ = server;
  b->count_ = 0;
  b->pad_ = 0;
  b->used_ = 0;
  b->capacity_ = bytes;
  return b;
}

CastBatch* CastBatch::append(CastBatch* b, uint32_t room, const uint8_t* frame, uint32_t len) {
  const size_t need = entry_size(len);
  if (b->used_ + need > b->capacity_) {
    size_t cap = b->capacity_ * 2;
    while (cap < b->used_ + need) cap *= 2;
    auto* grown = static_cast<CastBatch*>(std::realloc(b, sizeof(CastBatch) + cap));
    if (grown == nullptr) return nullptr;
    b = grown;
    b->capacity_ = cap;
  }
  uint8_t* p = b->entries() + b->used_;
  std::memcpy(p, &room, 4);
  std::memcpy(p + 4, &len, 4);
  std::memcpy(p + 8, frame, len);
  b->used_ += need;
  ++b->count_;
  return b;
}

void CastBatch::destroy(CastBatch* b) { std::free(b); }

}  // namespace ptnet::game
