// `ptnet-server --echo`: sends every frame back unchanged. One per shard.
#pragma once

#include "tcp/ConnectionHandler.h"

namespace ptnet::app {

class EchoHandler final : public tcp::ConnectionHandler {
 public:
  bool on_frame(tcp::TcpService& tcp, tcp::Connection& c, const uint8_t* body, uint32_t len) override;
};

}  // namespace ptnet::app
