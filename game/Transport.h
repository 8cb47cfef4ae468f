// Which transport carries a session: the game core serves TCP and reliable-UDP
// users alike (they share rooms); only the shell that owns the connection
// looks at this, to route what the core asks it to send.
#pragma once

#include <cstdint>

namespace ptnet::game {

enum class Transport : uint8_t { Tcp, Rudp };

}  // namespace ptnet::game
