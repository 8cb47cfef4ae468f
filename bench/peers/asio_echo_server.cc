// peer-asio-echo: the Boost.Asio baseline for `make bench`.
//
// A framed echo server ([u32 little-endian length][payload], echoed unchanged) built the
// way seed 002 (src/core/network/tcp_server.cpp, session.cpp) builds its TCP server:
//   - a pool of io_contexts, one thread each, sessions assigned round-robin; a separate accept
//     io_context (on the main thread) -- AsioServerPool in AsioPeer.h, shared with peer-asio-chat;
//   - Session : enable_shared_from_this, async_read of the 4-byte header, then async_read of
//     the body (FramedSession in AsioPeer.h), then one async_write per frame, then read the
//     header again.
// It is deliberately NOT optimised beyond what the seed does: it is the "what the seed would
// run" reference point. TCP_NODELAY is set on accepted sockets, as the seed's config does.
//
// Flags (PeerArgs.h): --port N (default 4000, 0 = ephemeral), --threads N (io_context pool
//        size, default 1), --max-frame N (default 65536; a longer frame closes the session).
// Prints "peer-asio-echo listening on :PORT" once listening; SIGINT/SIGTERM stop it (exit 0).

#include "bench/peers/AsioPeer.h"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using ptnet::peers::PeerSpec;

const PeerSpec kSpec{
    .name = "peer-asio-echo",
    .help =
        "  --port N         TCP port (default 4000, 0 = ephemeral)\n"
        "  --threads N      io_context pool size, one thread each (default 1)\n"
        "  --max-frame N    largest accepted payload (default 65536)\n"};

// Reads frames the seed-002 way (FramedSession); a frame over --max-frame closes the session.
class Session : public ptnet::peers::FramedSession<Session> {
 public:
  Session(tcp::socket socket, std::uint32_t max_frame)
      : FramedSession(std::move(socket), max_frame) {}

 private:
  friend class ptnet::peers::FramedSession<Session>;

  // Echo: one async_write per frame (header + body), then wait for the next header.
  void on_frame() {
    auto self = shared_from_this();
    const std::array<asio::const_buffer, 2> frame{asio::buffer(header_buffer_),
                                                  asio::buffer(data_buffer_)};
    asio::async_write(socket_, frame,
                      [this, self](boost::system::error_code ec, std::size_t /*bytes*/) {
                        if (ec) {
                          close_socket();
                          return;
                        }
                        read_header();
                      });
  }

  void on_read_failed() { close_socket(); }
  void on_frame_too_large() { close_socket(); }  // invalid packet size
};

}  // namespace

int main(int argc, char** argv) {
  const ptnet::peers::PeerOptions opt = ptnet::peers::parse_args(kSpec, argc, argv);
  return ptnet::peers::run_asio_peer(kSpec, opt, [&opt](tcp::socket socket) {
    std::make_shared<Session>(std::move(socket), opt.max_frame)->start();
  });
}
