#include "rudp/RudpEchoHandler.h"

#include "rudp/RudpService.h"

namespace ptnet::rudp {

void RudpEchoHandler::on_message(ConnId peer, Channel ch, const uint8_t* data, size_t len) {
  if (service_->endpoint().send(peer, ch, data, len, service_->shard().now_ns()) != 0) ++refused_;
}

}  // namespace ptnet::rudp
