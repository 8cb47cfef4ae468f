#include "app/EchoHandler.h"

#include "tcp/TcpService.h"

namespace ptnet::app {

bool EchoHandler::on_frame(tcp::TcpService& tcp, tcp::Connection& c, const uint8_t* body, uint32_t len) {
  tcp.send_frame(c, body, len);
  return true;
}

}  // namespace ptnet::app
