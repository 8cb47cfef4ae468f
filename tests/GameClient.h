// A game-protocol test client over TestClient: sends and receives Messages
// in either encoding, with deadlines.
#pragma once

#include <string>
#include <vector>

#include "game/BinaryCodec.h"
#include "game/JsonCodec.h"
#include "game/Message.h"
#include "tests/TestClient.h"

namespace ptnet::test {

struct Received {
  game::Message m;
  std::string text;  // m.text points here
};

class GameClient {
 public:
  explicit GameClient(bool json = false) : json_(json) {}
  bool connect(uint16_t port) { return c_.connect(port); }
  bool send(const game::Message& m);
  bool send_raw_body(const std::string& body);  // a body with this client's length header
  // Next frame; false on timeout/close/undecodable.
  bool recv(Received* out, int timeout_ms = 3000);
  // Receives frames until one of `type` arrives (others are skipped).
  bool recv_type(game::MsgType type, Received* out, int timeout_ms = 3000);
  // Connect{room_id,user_id}, then expect ConnectionAck and the welcome.
  bool login(uint32_t user_id, uint32_t room_id);
  bool closed(int timeout_ms = 3000) { return c_.wait_closed(timeout_ms); }
  TestClient& raw() { return c_; }
  bool json() const { return json_; }

 private:
  bool json_;
  TestClient c_;
  game::JsonCodec codec_;
  std::vector<uint8_t> body_;
};

game::Message chat(uint32_t user, uint32_t room, std::string_view text);

}  // namespace ptnet::test
