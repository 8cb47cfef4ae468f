// `ptnet-server --echo`: sends every frame back unchanged. One per shard.
#pragma once

#include "tcp/ConnectionHandler.h"

namespace ptnet::tcp {

class EchoHandler final : public ConnectionHandler {
 public:
  bool on_frame(TcpService& tcp, Connection& c, const uint8_t* body, uint32_t len) override;
};

}  // namespace ptnet::tcp
