// The lifecycle of a TCP connection, as one explicit state.
//
//            request_close()                close()
//   Open ─────────────────────> CloseRequested ──────────┐
//    │  \                            ^                    v
//    │   \ close_after_flush()       │ request_close()  Closed ──> (released once
//    │    v                          │                    ^        no operation is
//    │   Draining ───────────────────┘                    │        in flight)
//    │      └── flushed / linger timeout: close() ────────┤
//    └── close() ─────────────────────────────────────────┘
//
// Open:           reading, and accepting output.
// Draining:       reading stopped; queued output is flushed, then close().
// CloseRequested: close() at the end of this loop pass (safe while the caller
//                 iterates over connections); accepts no more output.
// Closed:         the handler was told (on_close), the socket is shut down;
//                 the fd is closed and the slot freed once the kernel has
//                 returned every operation that names it.
#pragma once

#include <cstdint>

namespace ptnet::tcp {

enum class ConnState : uint8_t { Open, Draining, CloseRequested, Closed };

const char* to_string(ConnState s);

// The transitions the diagram allows (every state change asserts this).
constexpr bool can_transition(ConnState from, ConnState to) {
  switch (from) {
    case ConnState::Open: return to != ConnState::Open;
    case ConnState::Draining: return to == ConnState::CloseRequested || to == ConnState::Closed;
    case ConnState::CloseRequested: return to == ConnState::Closed;
    case ConnState::Closed: return false;
  }
  return false;
}

}  // namespace ptnet::tcp
