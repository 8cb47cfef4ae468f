// What the two Boost.Asio peers (peer-asio-echo, peer-asio-chat) share, built the way seed 002
// (src/core/network/tcp_server.cpp, session.cpp) builds its TCP server:
//   - AsioServerPool: a pool of io_contexts, one thread each, accepted sockets assigned
//     round-robin; a separate accept io_context, run by the caller; TCP_NODELAY on every
//     accepted socket, as the seed's config does;
//   - run_asio_peer: the whole main(): listen, SIGINT/SIGTERM -> stop (exit 0), the listening line,
//     the accept context on the main thread;
//   - FramedSession: the seed's Session read loop: async_read of the 4-byte header, then
//     async_read of the body, then the derived session handles the frame.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility> (breaks
// with g++ 12 in C++20 mode): include it first.
#include <utility>

#include <boost/asio.hpp>

#include <array>
#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "bench/peers/PeerArgs.h"

namespace ptnet::peers {

namespace asio = boost::asio;
using asio::ip::tcp;

class AsioServerPool {
 public:
  // Called on the accept context with each accepted socket (bound to a pool io_context).
  using OnAccept = std::function<void(tcp::socket)>;

  AsioServerPool(const PeerSpec& spec, const PeerOptions& opt, OnAccept on_accept)
      : spec_(spec), opt_(opt), on_accept_(std::move(on_accept)) {}
  // Stops and joins the pool, so an error thrown after start() began the
  // threads (e.g. the port is taken) unwinds instead of aborting.
  ~AsioServerPool() {
    stop();
    join();
  }

  // Starts the pool threads and listens; returns the bound port.
  unsigned start() {
    for (unsigned i = 0; i < opt_.threads; ++i) {
      io_contexts_.push_back(std::make_unique<asio::io_context>());
      guards_.emplace_back(asio::make_work_guard(*io_contexts_.back()));
    }
    for (auto& io_context : io_contexts_) {
      asio::io_context* ctx = io_context.get();
      const char* name = spec_.name;
      worker_threads_.emplace_back([ctx, name]() {
        try {
          ctx->run();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "%s: worker thread error: %s\n", name, e.what());
        }
      });
    }

    acceptor_ = std::make_unique<tcp::acceptor>(accept_context_);
    const tcp::endpoint ep(asio::ip::address_v4::any(), static_cast<unsigned short>(opt_.port));
    acceptor_->open(ep.protocol());
    acceptor_->set_option(tcp::acceptor::reuse_address(true));
    acceptor_->bind(ep);
    acceptor_->listen(asio::socket_base::max_listen_connections);
    do_accept();
    return acceptor_->local_endpoint().port();
  }

  // Runs the accept context on the calling thread until stop().
  void run_accept() { accept_context_.run(); }

  asio::io_context& accept_context() { return accept_context_; }

  void stop() {
    boost::system::error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
    accept_context_.stop();
    for (auto& io_context : io_contexts_) io_context->stop();
  }

  void join() {
    for (auto& t : worker_threads_)
      if (t.joinable()) t.join();
  }

 private:
  asio::io_context& next_io_context() {
    auto& io_context = *io_contexts_[next_io_context_];
    next_io_context_ = (next_io_context_ + 1) % io_contexts_.size();
    return io_context;
  }

  void do_accept() {
    acceptor_->async_accept(next_io_context(),
                            [this](boost::system::error_code ec, tcp::socket socket) {
                              if (ec == asio::error::operation_aborted) return;
                              if (!ec) {
                                boost::system::error_code ignored;
                                socket.set_option(tcp::no_delay(true), ignored);
                                on_accept_(std::move(socket));
                              }
                              do_accept();
                            });
  }

  const PeerSpec& spec_;
  PeerOptions opt_;
  OnAccept on_accept_;
  std::vector<std::unique_ptr<asio::io_context>> io_contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> worker_threads_;
  asio::io_context accept_context_{1};
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::atomic<std::size_t> next_io_context_{0};
};

// The peer's main() after parse_args: serves until SIGINT/SIGTERM (returns 0); an exception
// (e.g. the port is taken) is printed, returns 1. Whatever `on_accept` refers to must outlive
// this call: the sessions still pending on the pool are destroyed before it returns.
inline int run_asio_peer(const PeerSpec& spec, const PeerOptions& opt,
                       AsioServerPool::OnAccept on_accept) {
  try {
    AsioServerPool server(spec, opt, std::move(on_accept));
    const unsigned port = server.start();

    asio::signal_set signals(server.accept_context(), SIGINT, SIGTERM);
    signals.async_wait([&server](boost::system::error_code ec, int /*signo*/) {
      if (!ec) server.stop();
    });

    print_listening(spec, port);

    server.run_accept();  // the accept context runs on the main thread
    server.stop();
    server.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", spec.name, e.what());
    return 1;
  }
  return 0;
}

// The seed's Session read loop, for `class Session : public FramedSession<Session>`.
// start() reads the [u32 LE length] header, then the body into data_buffer_, then calls the
// Derived hooks (Derived befriends FramedSession<Derived> if they are private):
//   on_frame()            a whole frame is in header_buffer_ / data_buffer_; Derived reads the
//                         next header (read_header) when it is ready to;
//   on_read_failed()      a read failed (EOF, reset, ...);
//   on_frame_too_large()  the length is above max_frame; nothing more is read;
//   on_empty_frame()      the length is 0 (optional): return false when Derived has handled it
//                         itself; the default reads the (empty) body and calls on_frame().
template <class Derived>
class FramedSession : public std::enable_shared_from_this<Derived> {
 public:
  void start() { read_header(); }

 protected:
  static constexpr std::size_t kHeaderSize = 4;

  FramedSession(tcp::socket socket, std::uint32_t max_frame)
      : socket_(std::move(socket)), max_frame_(max_frame) {}

  bool on_empty_frame() { return true; }

  void read_header() {
    if (is_reading_.exchange(true)) {
      return;  // already reading (seed 002 guard)
    }
    auto self = this->shared_from_this();
    asio::async_read(socket_, asio::buffer(header_buffer_, kHeaderSize),
                     [this, self](boost::system::error_code ec, std::size_t bytes_transferred) {
                       is_reading_ = false;
                       if (ec || bytes_transferred != kHeaderSize) {
                         self->on_read_failed();
                         return;
                       }
                       const std::uint32_t packet_size =
                           (static_cast<std::uint32_t>(header_buffer_[3]) << 24) |
                           (static_cast<std::uint32_t>(header_buffer_[2]) << 16) |
                           (static_cast<std::uint32_t>(header_buffer_[1]) << 8) |
                           static_cast<std::uint32_t>(header_buffer_[0]);
                       if (packet_size > max_frame_) {
                         self->on_frame_too_large();
                         return;
                       }
                       if (packet_size == 0 && !self->on_empty_frame()) return;
                       read_body(packet_size);
                     });
  }

  // Shuts the socket down both ways and closes it; errors are ignored.
  void close_socket() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  std::array<std::uint8_t, kHeaderSize> header_buffer_{};
  std::vector<std::uint8_t> data_buffer_;

 private:
  void read_body(std::uint32_t packet_size) {
    data_buffer_.resize(packet_size);
    auto self = this->shared_from_this();
    asio::async_read(socket_, asio::buffer(data_buffer_, packet_size),
                     [this, self](boost::system::error_code ec, std::size_t /*bytes*/) {
                       if (ec) {
                         self->on_read_failed();
                         return;
                       }
                       self->on_frame();
                     });
  }

  std::uint32_t max_frame_;
  std::atomic<bool> is_reading_{false};
};

}  // namespace ptnet::peers
