#include "game/MsgType.h"

#include "game/MessageLayout.h"

namespace ptnet::game {

const char* msg_type_name(MsgType t) {
  const detail::Layout* l = detail::layout_of(uint8_t(t));
  return l == nullptr ? nullptr : l->name.data();  // the names are string literals: NUL-terminated
}

bool is_known_type(uint8_t code) { return detail::kLayoutIndex[code] != detail::kNoLayout; }

}  // namespace ptnet::game
