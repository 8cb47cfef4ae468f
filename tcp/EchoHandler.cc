#include "tcp/EchoHandler.h"

#include "tcp/TcpService.h"

namespace ptnet::tcp {

bool EchoHandler::on_frame(TcpService& tcp, Connection& c, const uint8_t* body, uint32_t len) {
  tcp.send_frame(c, body, len);
  return true;
}

}  // namespace ptnet::tcp
