// peer-asio-chat: the Boost.Asio baseline for the chat / movement benchmark.
//
// The Police Thief TCP game protocol (BINARY encoding only: [u32 LE length][u8 type][fields],
// integers and f32 little-endian, strings u16 LE length + UTF-8), served the way seed 002
// (src/core/network/tcp_server.cpp, session.cpp, session_manager.cpp) builds its server:
//   - a pool of io_contexts, one thread each, sessions assigned round-robin; a separate accept
//     io_context (on the main thread) -- AsioServerPool in AsioPeer.h, shared with peer-asio-echo;
//   - Session : enable_shared_from_this, async_read of the 4-byte header, then async_read of the
//     body (FramedSession in AsioPeer.h), then handle the packet, then read the header again;
//   - a SessionManager: user_id -> weak_ptr<Session> and room_id -> set of user_ids, guarded by one
//     std::shared_mutex; a broadcast takes the shared lock, walks the room's members, locks each
//     weak_ptr and hands the (once-encoded, shared) frame to that session's Send;
//   - Session::Send posts onto the session's io_context, which appends to a per-session write
//     queue and keeps one async_write in flight at a time (one async_write per frame).
// It is deliberately NOT optimised beyond what the seed does: it is the "what the seed would
// run" reference point. TCP_NODELAY is set on accepted sockets, as the seed's config does.
//
// Behaviour (the same as ptnet's game server, so the same load drives both):
//   Connect{room_id,user_id} (must be first; anything else first: Error, then close)
//       -> ConnectionAck{user_id}, SystemMessage{"Welcome to Police Thief, user N"}; the user
//          enters room_id and the other members get UserJoinedRoom{room_id,user_id,nickname}
//          (nickname "user<N>" until UserInfo / RoomJoin sets one). A user_id already connected:
//          Error, then close.
//   HeartBeat -> HeartBeatResponse{unix seconds}
//   UserInfo{user_id,nickname} -> (sets the nickname)
//   ChatMessage{user_id,room_id,message} -> every member of the room, sender included, gets the
//       ChatMessage (user_id stamped with the sender's); not a member: ChatResponse{false,..}
//   PlayerMove{user_id,room_id,x,y,z,seq} -> relayed to the other members of the room
//   RoomJoin{user_id,room_id,nickname} -> RoomJoinSuccess{room_id,user_count}; others get
//       UserJoinedRoom
//   RoomLeave{user_id,room_id} -> RoomLeaveSuccess{room_id}; others get UserLeftRoom
//   disconnect -> the user leaves every room; the remaining members get UserLeftRoom
//   malformed frame / unexpected type -> Error{code,message}, the connection stays open;
//   frame longer than --max-frame -> Error, then close.
//
// Flags (PeerArgs.h): --port N (default 4000, 0 = ephemeral), --threads N (io_context pool
//        size, default 1), --max-frame N (default 65536).
// Prints "peer-asio-chat listening on :PORT" once listening; SIGINT/SIGTERM stop it (exit 0).

#include "bench/peers/AsioPeer.h"
#include "game/MsgType.h"  // the type codes only; the encoder/decoder below are this peer's own

#include <cstdint>
#include <cstring>
#include <ctime>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

using ptnet::game::MsgType;

const ptnet::peers::PeerSpec kSpec{
    .name = "peer-asio-chat",
    .help =
        "  Police Thief game protocol (binary encoding), Boost.Asio seed-002 style.\n"
        "  --port N         TCP port (default 4000, 0 = ephemeral)\n"
        "  --threads N      io_context pool size, one thread each (default 1)\n"
        "  --max-frame N    largest accepted frame body (default 65536)\n",
    .help_to_stdout = true,
    .max_frame_nonzero = true};

// ---------------------------------------------------------------------------------------------
// Wire format

// Error.code values sent by this peer.
enum ErrorCode : std::uint16_t {
  kErrNotConnected = 1,     // first message was not Connect
  kErrDuplicateUser = 2,    // user_id already connected
  kErrMalformed = 3,        // body does not decode
  kErrUnexpectedType = 4,   // unknown or server-to-client type
  kErrNotInRoom = 5,        // RoomLeave / PlayerMove for a room the user is not in
  kErrFrameTooLarge = 6,    // length over --max-frame
  kErrAlreadyConnected = 7  // a second Connect
};

using Buffer = std::shared_ptr<const std::vector<std::uint8_t>>;

// Builds one frame: [u32 LE length][u8 type][fields].
class FrameWriter {
 public:
  explicit FrameWriter(MsgType type) {
    bytes_.reserve(32);
    bytes_.resize(4);
    bytes_.push_back(static_cast<std::uint8_t>(type));
  }
  FrameWriter& u8(std::uint8_t v) {
    bytes_.push_back(v);
    return *this;
  }
  FrameWriter& u16(std::uint16_t v) { return le(v, 2); }
  FrameWriter& u32(std::uint32_t v) { return le(v, 4); }
  FrameWriter& u64(std::uint64_t v) { return le(v, 8); }
  FrameWriter& f32(float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return le(bits, 4);
  }
  FrameWriter& str(std::string_view s) {
    const std::size_t n = s.size() > 0xffff ? 0xffff : s.size();
    u16(static_cast<std::uint16_t>(n));
    bytes_.insert(bytes_.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
    return *this;
  }
  Buffer finish() {
    const std::uint64_t len = bytes_.size() - 4;
    for (std::size_t i = 0; i < 4; ++i) bytes_[i] = static_cast<std::uint8_t>(len >> (8 * i));
    return std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes_));
  }

 private:
  FrameWriter& le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  std::vector<std::uint8_t> bytes_;
};

bool valid_utf8(const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

// Reads the fields of one frame body (after the type byte). Any short read or invalid string
// clears ok(); done() also demands that every byte was consumed.
class FrameReader {
 public:
  FrameReader(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  std::uint8_t u8() { return static_cast<std::uint8_t>(le(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(le(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(le(4)); }
  float f32() {
    const auto bits = static_cast<std::uint32_t>(le(4));
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::string_view str() {
    const std::size_t len = u16();
    if (!ok_ || len > n_ || !valid_utf8(p_, len)) {
      ok_ = false;
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(p_), len);
    p_ += len;
    n_ -= len;
    return s;
  }
  bool done() const { return ok_ && n_ == 0; }

 private:
  std::uint64_t le(std::size_t n) {
    if (!ok_ || n_ < n) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(p_[i]) << (8 * i);
    p_ += n;
    n_ -= n;
    return v;
  }
  const std::uint8_t* p_;
  std::size_t n_;
  bool ok_ = true;
};

Buffer error_frame(std::uint16_t code, std::string_view message) {
  return FrameWriter(MsgType::Error).u16(code).str(message).finish();
}

// ---------------------------------------------------------------------------------------------
// Sessions

class Session;

// user_id -> session and room_id -> members, shared by every io_context thread (seed 002's
// SessionManager: one std::shared_mutex; broadcasts take it shared, membership changes unique).
class SessionManager {
 public:
  // Adds user_id; false when a live session already holds it.
  bool register_user(std::uint32_t user_id, const std::shared_ptr<Session>& session);

  // Puts user_id into room_id and sends `notice` to the other members. Returns the member count.
  std::uint32_t join(std::uint32_t room_id, std::uint32_t user_id, const Buffer& notice);

  // Takes user_id out of room_id and sends UserLeftRoom to the remaining members.
  void leave(std::uint32_t room_id, std::uint32_t user_id);

  // Removes the user (if `session` still owns the id) and takes it out of `rooms`.
  void unregister(std::uint32_t user_id, const Session* session,
                  const std::set<std::uint32_t>& rooms);

  // Sends `frame` to every member of room_id except `except_user` (pass kNobody for all).
  void broadcast(std::uint32_t room_id, const Buffer& frame, std::uint64_t except_user) const;

  static constexpr std::uint64_t kNobody = ~std::uint64_t{0};

 private:
  void leave_locked(std::uint32_t room_id, std::uint32_t user_id);
  void send_to_members_locked(std::uint32_t room_id, const Buffer& frame,
                           std::uint64_t except_user) const;

  std::unordered_map<std::uint32_t, std::weak_ptr<Session>> users_;
  std::unordered_map<std::uint32_t, std::unordered_set<std::uint32_t>> rooms_;
  mutable std::shared_mutex mutex_;
};

// Reads frames the seed-002 way (FramedSession), handles each, then reads the next header.
class Session : public ptnet::peers::FramedSession<Session> {
 public:
  Session(tcp::socket socket, SessionManager& manager, std::uint32_t max_frame)
      : FramedSession(std::move(socket), max_frame), manager_(manager) {}

  // Thread-safe: queues `frame` for this session on its own io_context.
  void send(Buffer frame) {
    asio::post(socket_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() {
      self->queue_write(frame);
    });
  }

 private:
  friend class ptnet::peers::FramedSession<Session>;

  void on_frame() {
    process_packet();
    if (!closing_) read_header();
  }

  void on_read_failed() { close(); }

  void on_frame_too_large() {
    send(error_frame(kErrFrameTooLarge, "frame too large"));
    close_after_flush();
  }

  bool on_empty_frame() {
    send(error_frame(kErrMalformed, "empty frame"));
    read_header();
    return false;
  }

  void process_packet() {
    const auto type = static_cast<MsgType>(data_buffer_[0]);
    FrameReader in(data_buffer_.data() + 1, data_buffer_.size() - 1);
    if (!connected_) return handle_first(type, in);
    switch (type) {
      case MsgType::HeartBeat:
        return on_heart_beat(in);
      case MsgType::UserInfo:
        return on_user_info(in);
      case MsgType::Connect:
        return on_second_connect(in);
      case MsgType::ChatMessage:
        return on_chat(in);
      case MsgType::PlayerMove:
        return on_move(in);
      case MsgType::RoomJoin:
        return on_room_join(in);
      case MsgType::RoomLeave:
        return on_room_leave(in);
      default:
        return send(error_frame(kErrUnexpectedType, "unexpected message type"));
    }
  }

  void on_heart_beat(FrameReader& in) {
    if (!in.done()) return malformed("HeartBeat");
    send(FrameWriter(MsgType::HeartBeatResponse).u64(static_cast<std::uint64_t>(std::time(nullptr))).finish());
  }

  void on_user_info(FrameReader& in) {
    in.u32();
    const std::string_view nickname = in.str();
    if (!in.done()) return malformed("UserInfo");
    nickname_.assign(nickname);
  }

  void on_second_connect(FrameReader& in) {
    in.u32();
    in.u32();
    if (!in.done()) return malformed("Connect");
    send(error_frame(kErrAlreadyConnected, "already connected"));
  }

  void on_chat(FrameReader& in) {
    in.u32();
    const std::uint32_t room_id = in.u32();
    const std::string_view message = in.str();
    if (!in.done()) return malformed("ChatMessage");
    if (rooms_.count(room_id) == 0) {
      send(FrameWriter(MsgType::ChatResponse)
               .u8(0)
               .str("not a member of room " + std::to_string(room_id))
               .finish());
      return;
    }
    // Encoded once; every member (sender included) gets the same buffer.
    manager_.broadcast(room_id, FrameWriter(MsgType::ChatMessage).u32(user_id_).u32(room_id).str(message).finish(),
                       SessionManager::kNobody);
  }

  void on_move(FrameReader& in) {
    in.u32();
    const std::uint32_t room_id = in.u32();
    const float x = in.f32();
    const float y = in.f32();
    const float z = in.f32();
    const std::uint32_t seq = in.u32();
    if (!in.done()) return malformed("PlayerMove");
    if (rooms_.count(room_id) == 0) {
      send(error_frame(kErrNotInRoom, "not a member of room " + std::to_string(room_id)));
      return;
    }
    manager_.broadcast(
        room_id,
        FrameWriter(MsgType::PlayerMove).u32(user_id_).u32(room_id).f32(x).f32(y).f32(z).u32(seq).finish(),
        user_id_);
  }

  void on_room_join(FrameReader& in) {
    in.u32();
    const std::uint32_t room_id = in.u32();
    const std::string_view nickname = in.str();
    if (!in.done()) return malformed("RoomJoin");
    if (!nickname.empty()) nickname_.assign(nickname);
    join_room(room_id, /*reply=*/true);
  }

  void on_room_leave(FrameReader& in) {
    in.u32();
    const std::uint32_t room_id = in.u32();
    if (!in.done()) return malformed("RoomLeave");
    if (rooms_.erase(room_id) == 0) {
      send(error_frame(kErrNotInRoom, "not a member of room " + std::to_string(room_id)));
      return;
    }
    manager_.leave(room_id, user_id_);
    send(FrameWriter(MsgType::RoomLeaveSuccess).u32(room_id).finish());
  }

  void handle_first(MsgType type, FrameReader& in) {
    if (type != MsgType::Connect) {
      send(error_frame(kErrNotConnected, "first message must be Connect"));
      close_after_flush();
      return;
    }
    const std::uint32_t room_id = in.u32();
    const std::uint32_t user_id = in.u32();
    if (!in.done()) {
      send(error_frame(kErrMalformed, "malformed Connect"));
      close_after_flush();
      return;
    }
    if (!manager_.register_user(user_id, shared_from_this())) {
      send(error_frame(kErrDuplicateUser, "user " + std::to_string(user_id) +
                                             " is already connected"));
      close_after_flush();
      return;
    }
    connected_ = true;
    user_id_ = user_id;
    nickname_ = "user" + std::to_string(user_id);
    send(FrameWriter(MsgType::ConnectionAck).u32(user_id).finish());
    send(FrameWriter(MsgType::SystemMessage)
             .str("Welcome to Police Thief, user " + std::to_string(user_id))
             .finish());
    join_room(room_id, /*reply=*/false);
  }

  void join_room(std::uint32_t room_id, bool reply) {
    std::uint32_t count;
    if (rooms_.insert(room_id).second) {
      count = manager_.join(room_id, user_id_,
                            FrameWriter(MsgType::UserJoinedRoom)
                                .u32(room_id)
                                .u32(user_id_)
                                .str(nickname_)
                                .finish());
    } else {
      count = manager_.join(room_id, user_id_, nullptr);  // already a member: no notices
    }
    if (reply) send(FrameWriter(MsgType::RoomJoinSuccess).u32(room_id).u32(count).finish());
  }

  void malformed(const char* what) {
    send(error_frame(kErrMalformed, std::string("malformed ") + what));
  }

  // Runs on this session's io_context.
  void queue_write(const Buffer& frame) {
    if (closed_ || draining_) return;
    write_queue_.push_back(frame);
    if (!writing_) do_write();
  }

  void do_write() {
    writing_ = true;
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(*write_queue_.front()),
                      [this, self](boost::system::error_code ec, std::size_t /*bytes*/) {
                        writing_ = false;
                        if (ec || closed_) {  // closed meanwhile: close() emptied the queue
                          close();
                          return;
                        }
                        write_queue_.pop_front();
                        if (!write_queue_.empty()) {
                          do_write();
                        } else if (draining_) {
                          close();
                        }
                      });
  }

  // Stops reading; closes once the frames send() queued so far are written. Frames posted after
  // this call (e.g. room traffic) are dropped.
  void close_after_flush() {
    closing_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()]() {
      self->draining_ = true;
      if (!self->writing_ && self->write_queue_.empty()) self->close();
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    closing_ = true;
    close_socket();
    write_queue_.clear();
    if (connected_) {
      manager_.unregister(user_id_, this, rooms_);
      rooms_.clear();
    }
  }

  SessionManager& manager_;

  // Touched only on this session's io_context.
  std::deque<Buffer> write_queue_;
  bool writing_ = false;
  bool closing_ = false;   // no more reads
  bool draining_ = false;  // no more writes queued; close when the queue is empty
  bool closed_ = false;
  bool connected_ = false;
  std::uint32_t user_id_ = 0;
  std::string nickname_;
  std::set<std::uint32_t> rooms_;
};

bool SessionManager::register_user(std::uint32_t user_id, const std::shared_ptr<Session>& session) {
  std::unique_lock lock(mutex_);
  auto& slot = users_[user_id];
  if (!slot.expired()) return false;
  slot = session;
  return true;
}

std::uint32_t SessionManager::join(std::uint32_t room_id, std::uint32_t user_id,
                                   const Buffer& notice) {
  std::unique_lock lock(mutex_);
  auto& members = rooms_[room_id];
  members.insert(user_id);
  if (notice) send_to_members_locked(room_id, notice, user_id);
  return static_cast<std::uint32_t>(members.size());
}

void SessionManager::leave(std::uint32_t room_id, std::uint32_t user_id) {
  std::unique_lock lock(mutex_);
  leave_locked(room_id, user_id);
}

void SessionManager::unregister(std::uint32_t user_id, const Session* session,
                                const std::set<std::uint32_t>& rooms) {
  std::unique_lock lock(mutex_);
  if (auto it = users_.find(user_id); it != users_.end()) {
    const auto owner = it->second.lock();
    if (owner == nullptr || owner.get() == session) users_.erase(it);
  }
  for (const std::uint32_t room_id : rooms) leave_locked(room_id, user_id);
}

void SessionManager::broadcast(std::uint32_t room_id, const Buffer& frame,
                               std::uint64_t except_user) const {
  std::shared_lock lock(mutex_);
  send_to_members_locked(room_id, frame, except_user);
}

void SessionManager::leave_locked(std::uint32_t room_id, std::uint32_t user_id) {
  auto it = rooms_.find(room_id);
  if (it == rooms_.end() || it->second.erase(user_id) == 0) return;
  if (it->second.empty()) {
    rooms_.erase(it);
    return;
  }
  send_to_members_locked(room_id,
                      FrameWriter(MsgType::UserLeftRoom).u32(room_id).u32(user_id).finish(),
                      user_id);
}

void SessionManager::send_to_members_locked(std::uint32_t room_id, const Buffer& frame,
                                         std::uint64_t except_user) const {
  const auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return;
  for (const std::uint32_t member : room->second) {
    if (member == except_user) continue;
    const auto it = users_.find(member);
    if (it == users_.end()) continue;
    if (auto session = it->second.lock()) session->send(frame);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const ptnet::peers::PeerOptions opt = ptnet::peers::parse_args(kSpec, argc, argv);
  // Declared before (so destroyed after) the pool: sessions still owned by pending handlers are
  // destroyed with the pool's io_contexts, and they use the manager.
  SessionManager session_manager;
  return ptnet::peers::run_asio_peer(kSpec, opt, [&opt, &session_manager](tcp::socket socket) {
    std::make_shared<Session>(std::move(socket), session_manager, opt.max_frame)->start();
  });
}
