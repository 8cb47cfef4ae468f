// peer-asio-echo: the Boost.Asio baseline for `make bench`.
//
// A framed echo server ([u32 little-endian length][payload], echoed unchanged) built the
// way seed 002 (src/core/network/tcp_server.cpp, session.cpp) builds its TCP server:
//   - a pool of io_contexts, one thread each, sessions assigned round-robin;
//   - a separate accept io_context on its own thread;
//   - Session : enable_shared_from_this, async_read of the 4-byte header, then async_read of
//     the body, then one async_write per frame, then read the header again.
// It is deliberately NOT optimised beyond what the seed does: it is the "what the seed would
// run" reference point. TCP_NODELAY is set on accepted sockets, as the seed's config does.
//
// Flags: --port N (default 4000, 0 = ephemeral), --threads N (io_context pool size, default 1),
//        --max-frame N (default 65536; a longer frame closes the session).
// Prints "peer-asio-echo listening on :PORT" once listening; SIGINT/SIGTERM stop it (exit 0).

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility> (breaks
// with g++ 12 in C++20 mode): include it first.
#include <utility>

#include <boost/asio.hpp>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

struct Options {
  unsigned port = 4000;
  unsigned threads = 1;
  std::uint32_t max_frame = 65536;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::uint32_t max_frame)
      : socket_(std::move(socket)), max_frame_(max_frame) {}

  void Start() { DoReadHeader(); }

 private:
  enum { HEADER_SIZE = 4 };

  void DoReadHeader() {
    if (is_reading_.exchange(true)) {
      return;  // already reading (seed 002 guard)
    }
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(header_buffer_, HEADER_SIZE),
                     [this, self](boost::system::error_code ec, std::size_t bytes_transferred) {
                       is_reading_ = false;
                       if (ec || bytes_transferred != HEADER_SIZE) {
                         Disconnect();
                         return;
                       }
                       const std::uint32_t packet_size =
                           (static_cast<std::uint32_t>(header_buffer_[3]) << 24) |
                           (static_cast<std::uint32_t>(header_buffer_[2]) << 16) |
                           (static_cast<std::uint32_t>(header_buffer_[1]) << 8) |
                           static_cast<std::uint32_t>(header_buffer_[0]);
                       if (packet_size > max_frame_) {
                         Disconnect();  // invalid packet size
                         return;
                       }
                       DoReadBody(packet_size);
                     });
  }

  void DoReadBody(std::uint32_t packet_size) {
    data_buffer_.resize(packet_size);
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(data_buffer_, packet_size),
                     [this, self](boost::system::error_code ec, std::size_t /*bytes*/) {
                       if (ec) {
                         Disconnect();
                         return;
                       }
                       ProcessPacket();
                     });
  }

  // Echo: one async_write per frame (header + body), then wait for the next header.
  void ProcessPacket() {
    auto self = shared_from_this();
    const std::array<asio::const_buffer, 2> frame{asio::buffer(header_buffer_),
                                                  asio::buffer(data_buffer_)};
    asio::async_write(socket_, frame,
                      [this, self](boost::system::error_code ec, std::size_t /*bytes*/) {
                        if (ec) {
                          Disconnect();
                          return;
                        }
                        DoReadHeader();
                      });
  }

  void Disconnect() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  std::uint32_t max_frame_;
  std::array<std::uint8_t, HEADER_SIZE> header_buffer_{};
  std::vector<std::uint8_t> data_buffer_;
  std::atomic<bool> is_reading_{false};
};

class TcpServer {
 public:
  explicit TcpServer(const Options& opt) : opt_(opt) {}

  // Returns the bound port.
  unsigned Start() {
    for (unsigned i = 0; i < opt_.threads; ++i) {
      io_contexts_.push_back(std::make_unique<asio::io_context>());
      guards_.emplace_back(asio::make_work_guard(*io_contexts_.back()));
    }
    for (auto& io_context : io_contexts_) {
      asio::io_context* ctx = io_context.get();
      worker_threads_.emplace_back([ctx]() {
        try {
          ctx->run();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "peer-asio-echo: worker thread error: %s\n", e.what());
        }
      });
    }

    acceptor_ = std::make_unique<tcp::acceptor>(accept_context_);
    const tcp::endpoint ep(asio::ip::address_v4::any(), static_cast<unsigned short>(opt_.port));
    acceptor_->open(ep.protocol());
    acceptor_->set_option(tcp::acceptor::reuse_address(true));
    acceptor_->bind(ep);
    acceptor_->listen(asio::socket_base::max_listen_connections);
    DoAccept();
    return acceptor_->local_endpoint().port();
  }

  // Runs the accept context on the calling thread until Stop().
  void RunAccept() { accept_context_.run(); }

  asio::io_context& AcceptContext() { return accept_context_; }

  void Stop() {
    boost::system::error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
    accept_context_.stop();
    for (auto& io_context : io_contexts_) io_context->stop();
  }

  void Join() {
    for (auto& t : worker_threads_) t.join();
  }

 private:
  asio::io_context& GetNextIOContext() {
    auto& io_context = *io_contexts_[next_io_context_];
    next_io_context_ = (next_io_context_ + 1) % io_contexts_.size();
    return io_context;
  }

  void DoAccept() {
    acceptor_->async_accept(GetNextIOContext(),
                            [this](boost::system::error_code ec, tcp::socket socket) {
                              if (ec == asio::error::operation_aborted) return;
                              if (!ec) {
                                boost::system::error_code ignored;
                                socket.set_option(tcp::no_delay(true), ignored);
                                std::make_shared<Session>(std::move(socket), opt_.max_frame)
                                    ->Start();
                              }
                              DoAccept();
                            });
  }

  Options opt_;
  std::vector<std::unique_ptr<asio::io_context>> io_contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> worker_threads_;
  asio::io_context accept_context_{1};
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::atomic<std::size_t> next_io_context_{0};
};

[[noreturn]] void Usage(const char* msg) {
  if (msg != nullptr) std::fprintf(stderr, "peer-asio-echo: %s\n", msg);
  std::fprintf(stderr,
               "usage: peer-asio-echo [--port N] [--threads N] [--max-frame BYTES]\n"
               "  --port N         TCP port (default 4000, 0 = ephemeral)\n"
               "  --threads N      io_context pool size, one thread each (default 1)\n"
               "  --max-frame N    largest accepted payload (default 65536)\n");
  std::exit(msg != nullptr ? 2 : 0);
}

unsigned long ParseNumber(std::string_view name, const char* text, unsigned long max) {
  char* end = nullptr;
  errno = 0;
  const unsigned long v = std::strtoul(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v > max) {
    const std::string msg = "bad value for " + std::string(name) + ": " + text;
    Usage(msg.c_str());
  }
  return v;
}

Options ParseArgs(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") Usage(nullptr);
    std::string name(arg);
    const char* value = nullptr;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = argv[i] + eq + 1;
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    if (name != "--port" && name != "--threads" && name != "--max-frame") {
      const std::string msg = "unknown flag: " + std::string(arg);
      Usage(msg.c_str());
    }
    if (value == nullptr) {
      const std::string msg = "missing value for " + name;
      Usage(msg.c_str());
    }
    if (name == "--port") {
      opt.port = static_cast<unsigned>(ParseNumber(name, value, 65535));
    } else if (name == "--threads") {
      opt.threads = static_cast<unsigned>(ParseNumber(name, value, 1024));
      if (opt.threads == 0) Usage("--threads must be >= 1");
    } else {
      opt.max_frame = static_cast<std::uint32_t>(ParseNumber(name, value, 0xffffffffUL));
    }
  }
  return opt;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = ParseArgs(argc, argv);
  try {
    TcpServer server(opt);
    const unsigned port = server.Start();

    asio::signal_set signals(server.AcceptContext(), SIGINT, SIGTERM);
    signals.async_wait([&server](boost::system::error_code ec, int /*signo*/) {
      if (!ec) server.Stop();
    });

    std::printf("peer-asio-echo listening on :%u\n", port);
    std::fflush(stdout);

    server.RunAccept();  // the accept context runs on the main thread
    server.Stop();
    server.Join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "peer-asio-echo: %s\n", e.what());
    return 1;
  }
  return 0;
}
