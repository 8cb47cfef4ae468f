// A connection's life, as its Peer record goes through it.
//
//   client: HelloSent -> ConnectSent -> Established
//   server:                             Established (created by a valid CONNECT)
//   both:   Established -> Closing (close(): reliable data drains) -> CloseSent -> gone
//           Established -> TimeWait (CLOSE received; answers stray CLOSEs) -> gone
//           any -> Dead (ended; the record is freed at the end of the current call)
// Threads: a value type, any thread.
#pragma once

#include <cstdint>

namespace ptnet::rudp {

enum class PeerState : uint8_t { HelloSent, ConnectSent, Established, Closing, CloseSent, TimeWait, Dead };

}  // namespace ptnet::rudp
