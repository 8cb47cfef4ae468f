#include "tcp/ConnState.h"

namespace ptnet::tcp {

const char* to_string(ConnState s) {
  switch (s) {
    case ConnState::Open: return "open";
    case ConnState::Draining: return "draining";
    case ConnState::CloseRequested: return "close requested";
    case ConnState::Closed: return "closed";
  }
  return "?";
}

}  // namespace ptnet::tcp
