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

#include "AsioPeer.h"
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
  FrameWriter& U8(std::uint8_t v) {
    bytes_.push_back(v);
    return *this;
  }
  FrameWriter& U16(std::uint16_t v) { return Le(v, 2); }
  FrameWriter& U32(std::uint32_t v) { return Le(v, 4); }
  FrameWriter& U64(std::uint64_t v) { return Le(v, 8); }
  FrameWriter& F32(float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return Le(bits, 4);
  }
  FrameWriter& Str(std::string_view s) {
    const std::size_t n = s.size() > 0xffff ? 0xffff : s.size();
    U16(static_cast<std::uint16_t>(n));
    bytes_.insert(bytes_.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
    return *this;
  }
  Buffer Finish() {
    const std::uint64_t len = bytes_.size() - 4;
    for (std::size_t i = 0; i < 4; ++i) bytes_[i] = static_cast<std::uint8_t>(len >> (8 * i));
    return std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes_));
  }

 private:
  FrameWriter& Le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  std::vector<std::uint8_t> bytes_;
};

bool ValidUtf8(const std::uint8_t* p, std::size_t n) {
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
// clears ok(); Done() also demands that every byte was consumed.
class FrameReader {
 public:
  FrameReader(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  std::uint8_t U8() { return static_cast<std::uint8_t>(Le(1)); }
  std::uint16_t U16() { return static_cast<std::uint16_t>(Le(2)); }
  std::uint32_t U32() { return static_cast<std::uint32_t>(Le(4)); }
  float F32() {
    const auto bits = static_cast<std::uint32_t>(Le(4));
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::string_view Str() {
    const std::size_t len = U16();
    if (!ok_ || len > n_ || !ValidUtf8(p_, len)) {
      ok_ = false;
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(p_), len);
    p_ += len;
    n_ -= len;
    return s;
  }
  bool Done() const { return ok_ && n_ == 0; }

 private:
  std::uint64_t Le(std::size_t n) {
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

Buffer ErrorFrame(std::uint16_t code, std::string_view message) {
  return FrameWriter(MsgType::Error).U16(code).Str(message).Finish();
}

// ---------------------------------------------------------------------------------------------
// Sessions

class Session;

// user_id -> session and room_id -> members, shared by every io_context thread (seed 002's
// SessionManager: one std::shared_mutex; broadcasts take it shared, membership changes unique).
class SessionManager {
 public:
  // Adds user_id; false when a live session already holds it.
  bool Register(std::uint32_t user_id, const std::shared_ptr<Session>& session);

  // Puts user_id into room_id and sends `notice` to the other members. Returns the member count.
  std::uint32_t Join(std::uint32_t room_id, std::uint32_t user_id, const Buffer& notice);

  // Takes user_id out of room_id and sends UserLeftRoom to the remaining members.
  void Leave(std::uint32_t room_id, std::uint32_t user_id);

  // Removes the user (if `session` still owns the id) and takes it out of `rooms`.
  void Unregister(std::uint32_t user_id, const Session* session,
                  const std::set<std::uint32_t>& rooms);

  // Sends `frame` to every member of room_id except `except_user` (pass kNobody for all).
  void Broadcast(std::uint32_t room_id, const Buffer& frame, std::uint64_t except_user) const;

  static constexpr std::uint64_t kNobody = ~std::uint64_t{0};

 private:
  void LeaveLocked(std::uint32_t room_id, std::uint32_t user_id);
  void SendToMembersLocked(std::uint32_t room_id, const Buffer& frame,
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
  void Send(Buffer frame) {
    asio::post(socket_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() {
      self->QueueWrite(frame);
    });
  }

 private:
  friend class ptnet::peers::FramedSession<Session>;

  void OnFrame() {
    ProcessPacket();
    if (!closing_) DoReadHeader();
  }

  void OnReadFailed() { Close(); }

  void OnFrameTooLarge() {
    Send(ErrorFrame(kErrFrameTooLarge, "frame too large"));
    CloseAfterFlush();
  }

  bool OnEmptyFrame() {
    Send(ErrorFrame(kErrMalformed, "empty frame"));
    DoReadHeader();
    return false;
  }

  void ProcessPacket() {
    const auto type = static_cast<MsgType>(data_buffer_[0]);
    FrameReader in(data_buffer_.data() + 1, data_buffer_.size() - 1);
    if (!connected_) {
      HandleFirst(type, in);
      return;
    }
    switch (type) {
      case MsgType::HeartBeat:
        if (!in.Done()) return Malformed("HeartBeat");
        Send(FrameWriter(MsgType::HeartBeatResponse)
                 .U64(static_cast<std::uint64_t>(std::time(nullptr)))
                 .Finish());
        return;
      case MsgType::UserInfo: {
        in.U32();
        const std::string_view nickname = in.Str();
        if (!in.Done()) return Malformed("UserInfo");
        nickname_.assign(nickname);
        return;
      }
      case MsgType::Connect:
        in.U32();
        in.U32();
        if (!in.Done()) return Malformed("Connect");
        Send(ErrorFrame(kErrAlreadyConnected, "already connected"));
        return;
      case MsgType::ChatMessage: {
        in.U32();
        const std::uint32_t room_id = in.U32();
        const std::string_view message = in.Str();
        if (!in.Done()) return Malformed("ChatMessage");
        if (rooms_.count(room_id) == 0) {
          Send(FrameWriter(MsgType::ChatResponse)
                   .U8(0)
                   .Str("not a member of room " + std::to_string(room_id))
                   .Finish());
          return;
        }
        // Encoded once; every member (sender included) gets the same buffer.
        manager_.Broadcast(room_id,
                           FrameWriter(MsgType::ChatMessage)
                               .U32(user_id_)
                               .U32(room_id)
                               .Str(message)
                               .Finish(),
                           SessionManager::kNobody);
        return;
      }
      case MsgType::PlayerMove: {
        in.U32();
        const std::uint32_t room_id = in.U32();
        const float x = in.F32();
        const float y = in.F32();
        const float z = in.F32();
        const std::uint32_t seq = in.U32();
        if (!in.Done()) return Malformed("PlayerMove");
        if (rooms_.count(room_id) == 0) {
          Send(ErrorFrame(kErrNotInRoom, "not a member of room " + std::to_string(room_id)));
          return;
        }
        manager_.Broadcast(room_id,
                           FrameWriter(MsgType::PlayerMove)
                               .U32(user_id_)
                               .U32(room_id)
                               .F32(x)
                               .F32(y)
                               .F32(z)
                               .U32(seq)
                               .Finish(),
                           user_id_);
        return;
      }
      case MsgType::RoomJoin: {
        in.U32();
        const std::uint32_t room_id = in.U32();
        const std::string_view nickname = in.Str();
        if (!in.Done()) return Malformed("RoomJoin");
        if (!nickname.empty()) nickname_.assign(nickname);
        JoinRoom(room_id, /*reply=*/true);
        return;
      }
      case MsgType::RoomLeave: {
        in.U32();
        const std::uint32_t room_id = in.U32();
        if (!in.Done()) return Malformed("RoomLeave");
        if (rooms_.erase(room_id) == 0) {
          Send(ErrorFrame(kErrNotInRoom, "not a member of room " + std::to_string(room_id)));
          return;
        }
        manager_.Leave(room_id, user_id_);
        Send(FrameWriter(MsgType::RoomLeaveSuccess).U32(room_id).Finish());
        return;
      }
      default:
        Send(ErrorFrame(kErrUnexpectedType, "unexpected message type"));
        return;
    }
  }

  void HandleFirst(MsgType type, FrameReader& in) {
    if (type != MsgType::Connect) {
      Send(ErrorFrame(kErrNotConnected, "first message must be Connect"));
      CloseAfterFlush();
      return;
    }
    const std::uint32_t room_id = in.U32();
    const std::uint32_t user_id = in.U32();
    if (!in.Done()) {
      Send(ErrorFrame(kErrMalformed, "malformed Connect"));
      CloseAfterFlush();
      return;
    }
    if (!manager_.Register(user_id, shared_from_this())) {
      Send(ErrorFrame(kErrDuplicateUser, "user " + std::to_string(user_id) +
                                             " is already connected"));
      CloseAfterFlush();
      return;
    }
    connected_ = true;
    user_id_ = user_id;
    nickname_ = "user" + std::to_string(user_id);
    Send(FrameWriter(MsgType::ConnectionAck).U32(user_id).Finish());
    Send(FrameWriter(MsgType::SystemMessage)
             .Str("Welcome to Police Thief, user " + std::to_string(user_id))
             .Finish());
    JoinRoom(room_id, /*reply=*/false);
  }

  void JoinRoom(std::uint32_t room_id, bool reply) {
    std::uint32_t count;
    if (rooms_.insert(room_id).second) {
      count = manager_.Join(room_id, user_id_,
                            FrameWriter(MsgType::UserJoinedRoom)
                                .U32(room_id)
                                .U32(user_id_)
                                .Str(nickname_)
                                .Finish());
    } else {
      count = manager_.Join(room_id, user_id_, nullptr);  // already a member: no notices
    }
    if (reply) Send(FrameWriter(MsgType::RoomJoinSuccess).U32(room_id).U32(count).Finish());
  }

  void Malformed(const char* what) {
    Send(ErrorFrame(kErrMalformed, std::string("malformed ") + what));
  }

  // Runs on this session's io_context.
  void QueueWrite(const Buffer& frame) {
    if (closed_ || draining_) return;
    write_queue_.push_back(frame);
    if (!writing_) DoWrite();
  }

  void DoWrite() {
    writing_ = true;
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(*write_queue_.front()),
                      [this, self](boost::system::error_code ec, std::size_t /*bytes*/) {
                        writing_ = false;
                        if (ec || closed_) {  // closed meanwhile: Close() emptied the queue
                          Close();
                          return;
                        }
                        write_queue_.pop_front();
                        if (!write_queue_.empty()) {
                          DoWrite();
                        } else if (draining_) {
                          Close();
                        }
                      });
  }

  // Stops reading; closes once the frames Send() queued so far are written. Frames posted after
  // this call (e.g. room traffic) are dropped.
  void CloseAfterFlush() {
    closing_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()]() {
      self->draining_ = true;
      if (!self->writing_ && self->write_queue_.empty()) self->Close();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    closing_ = true;
    CloseSocket();
    write_queue_.clear();
    if (connected_) {
      manager_.Unregister(user_id_, this, rooms_);
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

bool SessionManager::Register(std::uint32_t user_id, const std::shared_ptr<Session>& session) {
  std::unique_lock lock(mutex_);
  auto& slot = users_[user_id];
  if (!slot.expired()) return false;
  slot = session;
  return true;
}

std::uint32_t SessionManager::Join(std::uint32_t room_id, std::uint32_t user_id,
                                   const Buffer& notice) {
  std::unique_lock lock(mutex_);
  auto& members = rooms_[room_id];
  members.insert(user_id);
  if (notice) SendToMembersLocked(room_id, notice, user_id);
  return static_cast<std::uint32_t>(members.size());
}

void SessionManager::Leave(std::uint32_t room_id, std::uint32_t user_id) {
  std::unique_lock lock(mutex_);
  LeaveLocked(room_id, user_id);
}

void SessionManager::Unregister(std::uint32_t user_id, const Session* session,
                                const std::set<std::uint32_t>& rooms) {
  std::unique_lock lock(mutex_);
  if (auto it = users_.find(user_id); it != users_.end()) {
    const auto owner = it->second.lock();
    if (owner == nullptr || owner.get() == session) users_.erase(it);
  }
  for (const std::uint32_t room_id : rooms) LeaveLocked(room_id, user_id);
}

void SessionManager::Broadcast(std::uint32_t room_id, const Buffer& frame,
                               std::uint64_t except_user) const {
  std::shared_lock lock(mutex_);
  SendToMembersLocked(room_id, frame, except_user);
}

void SessionManager::LeaveLocked(std::uint32_t room_id, std::uint32_t user_id) {
  auto it = rooms_.find(room_id);
  if (it == rooms_.end() || it->second.erase(user_id) == 0) return;
  if (it->second.empty()) {
    rooms_.erase(it);
    return;
  }
  SendToMembersLocked(room_id,
                      FrameWriter(MsgType::UserLeftRoom).U32(room_id).U32(user_id).Finish(),
                      user_id);
}

void SessionManager::SendToMembersLocked(std::uint32_t room_id, const Buffer& frame,
                                         std::uint64_t except_user) const {
  const auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return;
  for (const std::uint32_t member : room->second) {
    if (member == except_user) continue;
    const auto it = users_.find(member);
    if (it == users_.end()) continue;
    if (auto session = it->second.lock()) session->Send(frame);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const ptnet::peers::PeerOptions opt = ptnet::peers::ParseArgs(kSpec, argc, argv);
  // Declared before (so destroyed after) the pool: sessions still owned by pending handlers are
  // destroyed with the pool's io_contexts, and they use the manager.
  SessionManager session_manager;
  return ptnet::peers::RunAsioPeer(kSpec, opt, [&opt, &session_manager](tcp::socket socket) {
    std::make_shared<Session>(std::move(socket), session_manager, opt.max_frame)->Start();
  });
}
