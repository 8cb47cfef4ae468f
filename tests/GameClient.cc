#include "tests/GameClient.h"

namespace ptnet::test {

using game::Message;
using game::MsgType;

Message chat(uint32_t user, uint32_t room, std::string_view text) {
  Message m;
  m.type = MsgType::ChatMessage;
  m.user_id = user;
  m.room_id = room;
  m.text = text;
  return m;
}

bool GameClient::send(const Message& m) {
  std::vector<uint8_t> body(json_ ? game::JsonCodec::max_encoded_size(m) : game::BinaryCodec::encoded_size(m));
  size_t n = json_ ? game::JsonCodec::encode(m, body.data()) : game::BinaryCodec::encode(m, body.data());
  body.resize(n);
  return c_.send_frame(body, json_);
}

bool GameClient::send_raw_body(const std::string& body) {
  return c_.send_frame(std::vector<uint8_t>(body.begin(), body.end()), json_);
}

bool GameClient::recv(Received* out, int timeout_ms) {
  if (!c_.recv_frame(&body_, timeout_ms, json_)) return false;
  Message m;
  game::DecodeStatus st = json_ ? codec_.decode(body_.data(), body_.size(), &m)
                                : game::BinaryCodec::decode(body_.data(), body_.size(), &m);
  if (st != game::DecodeStatus::Ok) return false;
  out->text.assign(m.text.data(), m.text.size());
  out->m = m;
  out->m.text = out->text;
  return true;
}

bool GameClient::recv_type(MsgType type, Received* out, int timeout_ms) {
  for (int i = 0; i < 10000; ++i) {
    if (!recv(out, timeout_ms)) return false;
    if (out->m.type == type) return true;
  }
  return false;
}

bool GameClient::login(uint32_t user_id, uint32_t room_id) {
  Message m;
  m.type = MsgType::Connect;
  m.user_id = user_id;
  m.room_id = room_id;
  Received r;
  return send(m) && recv(&r) && r.m.type == MsgType::ConnectionAck && r.m.user_id == user_id && recv(&r) &&
         r.m.type == MsgType::SystemMessage;
}

}  // namespace ptnet::test
