// peer-epoll-echo: the hand-written epoll baseline for `make bench`.
//
// A framed echo server ([u32 little-endian length][payload], echoed unchanged) written the way
// a skilled engineer writes one without a framework:
//   - non-blocking sockets, edge-triggered epoll, one thread by default; with --threads N, N
//     threads each with its own SO_REUSEPORT listener and epoll instance;
//   - accept4 in a loop until EAGAIN, TCP_NODELAY on every connection;
//   - on EPOLLIN: read until the socket is drained into a per-thread scratch buffer, handle every
//     complete frame (append its echo to the connection's output buffer; consecutive frames are
//     copied in one go), keep a trailing partial frame in the connection's input buffer;
//   - then ONE write per connection per pass; on a partial write keep the rest and wait for
//     EPOLLOUT (registered once, edge-triggered: no epoll_ctl on the hot path);
//   - a length header above --max-frame closes that connection only.
// "Drained" means read() returned EAGAIN or returned fewer bytes than asked for: with
// edge-triggered epoll a short read proves the receive queue was empty at that instant, and any
// later data raises a new edge, so the extra read() that would only return EAGAIN is skipped
// (when the event carries EPOLLRDHUP/EPOLLHUP/EPOLLERR the loop reads until EAGAIN/EOF).
//
// Flags (PeerArgs.h): --port N (default 4000, 0 = ephemeral), --threads N (default 1),
//        --max-frame N (default 65536).
// Prints "peer-epoll-echo listening on :PORT" once listening; SIGINT/SIGTERM stop it (exit 0).

#include <arpa/inet.h>
#include <endian.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "bench/peers/PeerArgs.h"

namespace {

const ptnet::peers::PeerSpec kSpec{
    .name = "peer-epoll-echo",
    .help =
        "  --port N         TCP port (default 4000, 0 = ephemeral)\n"
        "  --threads N      event-loop threads, each with its own SO_REUSEPORT listener\n"
        "                   and epoll (default 1)\n"
        "  --max-frame N    largest accepted payload (default 65536)\n"};

constexpr std::size_t kScratchSize = 64 * 1024;
constexpr std::size_t kMaxPendingOut = 4 * 1024 * 1024;  // stop reading above this backlog
constexpr int kMaxEvents = 512;

struct Conn {
  int fd = -1;
  bool want_out = false;  // a write was partial: wait for EPOLLOUT before writing again
  bool paused = false;    // output backlog too large: input not read until it drains
  bool closing = false;   // bad length header or EOF: write what is pending once, then close
  std::vector<char> in;   // trailing partial frame
  std::vector<char> out;  // echoes not yet written
  std::size_t out_off = 0;

  std::size_t pending_out() const { return out.size() - out_off; }
};

// Tags for the non-connection entries of an epoll set (compared by address).
char g_listener_tag;
char g_stop_tag;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "%s: %s: %s\n", kSpec.name, what, std::strerror(errno));
  std::exit(1);
}

int make_listener(unsigned port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  const int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) die("SO_REUSEADDR");
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) die("SO_REUSEPORT");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) die("bind");
  if (::listen(fd, SOMAXCONN) < 0) die("listen");
  return fd;
}

unsigned bound_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) die("getsockname");
  return ntohs(addr.sin_port);
}

class Worker {
 public:
  Worker(int listen_fd, int stop_fd, std::uint32_t max_frame)
      : listen_fd_(listen_fd), max_frame_(max_frame), scratch_(new char[kScratchSize]) {
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0) die("epoll_create1");
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.ptr = &g_listener_tag;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, listen_fd_, &ev) < 0) die("epoll_ctl listener");
    ev.events = EPOLLIN;  // level-triggered: every worker sees it
    ev.data.ptr = &g_stop_tag;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, stop_fd, &ev) < 0) die("epoll_ctl stop");
  }

  void run() {
    epoll_event events[kMaxEvents];
    for (;;) {
      const int n = ::epoll_wait(epfd_, events, kMaxEvents, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        die("epoll_wait");
      }
      for (int i = 0; i < n; ++i) {
        void* tag = events[i].data.ptr;
        if (tag == &g_stop_tag) {
          close_all();
          return;
        }
        if (tag == &g_listener_tag) {
          accept_all();
          continue;
        }
        on_conn_event(static_cast<Conn*>(tag), events[i].events);
      }
    }
  }

 private:
  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          // EMFILE/ENFILE/ENOBUFS...: the edge is lost; pending clients retry or time out.
          std::fprintf(stderr, "%s: accept4: %s\n", kSpec.name, std::strerror(errno));
        }
        return;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto* c = new Conn;
      c->fd = fd;
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
      ev.data.ptr = c;
      if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
        ::close(fd);
        delete c;
        continue;
      }
      conns_.push_back(c);
    }
  }

  void on_conn_event(Conn* c, std::uint32_t ev) {
    bool readable = (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
    bool drain = (ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
    bool writable = (ev & EPOLLOUT) != 0;
    for (;;) {
      if (readable && !c->paused && !c->closing) {
        if (!read_all(c, drain)) return close_conn(c);
      }
      // ONE write per connection per pass.
      if (c->pending_out() != 0 && (!c->want_out || writable)) {
        if (!write_once(c)) return close_conn(c);
      }
      if (c->closing) {
        // Bad length header or EOF: the echoes of the frames before it were written (as far
        // as the socket took them), now drop the connection.
        return close_conn(c);
      }
      if (c->paused && c->pending_out() == 0) {
        // Backlog gone: resume input (its edge may already have been consumed).
        c->paused = false;
        readable = drain = writable = true;
        continue;
      }
      return;
    }
  }

  // Reads until drained (see the header comment); false = close the connection.
  bool read_all(Conn* c, bool until_eagain) {
    for (;;) {
      const ssize_t n = ::read(c->fd, scratch_.get(), kScratchSize);
      if (n > 0) {
        consume(c, scratch_.get(), static_cast<std::size_t>(n));
        if (c->closing) return true;
        if (c->pending_out() > kMaxPendingOut) {
          c->paused = true;
          return true;
        }
        if (static_cast<std::size_t>(n) < kScratchSize && !until_eagain) return true;
        continue;
      }
      if (n == 0) {  // peer closed its side
        c->closing = true;
        return true;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (errno == EINTR) continue;
      return false;
    }
  }

  // Handles every complete frame of the data; a bad length header sets c->closing.
  void consume(Conn* c, const char* data, std::size_t len) {
    const char* p = data;
    if (!c->in.empty()) {
      c->in.insert(c->in.end(), data, data + len);
      p = c->in.data();
      len = c->in.size();
    }
    std::size_t off = 0;
    while (len - off >= 4) {
      std::uint32_t frame_len;
      std::memcpy(&frame_len, p + off, 4);
      frame_len = le32toh(frame_len);
      if (frame_len > max_frame_) {
        c->closing = true;
        break;
      }
      if (len - off - 4 < frame_len) break;
      off += 4 + static_cast<std::size_t>(frame_len);
    }
    if (off != 0) {
      // Frames are echoed unchanged: the whole run of complete frames is one copy.
      if (c->out_off != 0 && c->out_off == c->out.size()) {
        c->out.clear();
        c->out_off = 0;
      }
      c->out.insert(c->out.end(), p, p + off);
    }
    if (c->closing) {
      c->in = {};
    } else if (p == data) {
      if (off < len) c->in.assign(p + off, p + len);
    } else {
      c->in.erase(c->in.begin(), c->in.begin() + static_cast<std::ptrdiff_t>(off));
      if (c->in.empty() && c->in.capacity() > kScratchSize) std::vector<char>().swap(c->in);
    }
  }

  // One write of everything pending; false = connection error.
  bool write_once(Conn* c) {
    for (;;) {
      const std::size_t pending = c->pending_out();
      const ssize_t n = ::send(c->fd, c->out.data() + c->out_off, pending, MSG_NOSIGNAL);
      if (n >= 0) {
        const auto written = static_cast<std::size_t>(n);
        if (written == pending) {
          c->out.clear();
          c->out_off = 0;
          c->want_out = false;
          if (c->out.capacity() > kMaxPendingOut) std::vector<char>().swap(c->out);
        } else {
          c->out_off += written;
          c->want_out = true;
          if (c->out_off > c->out.size() / 2) {
            c->out.erase(c->out.begin(), c->out.begin() + static_cast<std::ptrdiff_t>(c->out_off));
            c->out_off = 0;
          }
        }
        return true;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        c->want_out = true;
        return true;
      }
      return false;
    }
  }

  void close_conn(Conn* c) {
    ::close(c->fd);  // also removes it from the epoll set
    c->fd = -1;
    c->in = {};
    c->out = {};
    ++closed_since_sweep_;
    if (closed_since_sweep_ > 1024 && closed_since_sweep_ * 2 > conns_.size()) sweep();
  }

  // Frees closed connections. Deferred so that a Conn* never dangles within one epoll_wait batch
  // (each fd appears once per batch, but freeing lazily keeps that reasoning out of the hot path).
  void sweep() {
    std::size_t j = 0;
    for (Conn* c : conns_) {
      if (c->fd < 0) {
        delete c;
      } else {
        conns_[j++] = c;
      }
    }
    conns_.resize(j);
    closed_since_sweep_ = 0;
  }

  void close_all() {
    for (Conn* c : conns_) {
      if (c->fd >= 0) ::close(c->fd);
      delete c;
    }
    conns_.clear();
    ::close(epfd_);
  }

  int listen_fd_;
  int epfd_ = -1;
  std::uint32_t max_frame_;
  std::unique_ptr<char[]> scratch_;
  std::vector<Conn*> conns_;
  std::size_t closed_since_sweep_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const ptnet::peers::PeerOptions opt = ptnet::peers::parse_args(kSpec, argc, argv);

  // SIGINT/SIGTERM are taken synchronously by the main thread; workers never see them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  if (pthread_sigmask(SIG_BLOCK, &sigs, nullptr) != 0) die("pthread_sigmask");

  const int stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd < 0) die("eventfd");

  std::vector<int> listeners;
  unsigned port = opt.port;
  for (unsigned i = 0; i < opt.threads; ++i) {
    listeners.push_back(make_listener(port));
    if (i == 0) port = bound_port(listeners[0]);  // --port 0: all threads share the chosen port
  }

  std::vector<std::unique_ptr<Worker>> workers;
  for (const int lfd : listeners) {
    workers.push_back(std::make_unique<Worker>(lfd, stop_fd, opt.max_frame));
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });

  ptnet::peers::print_listening(kSpec, port);

  int signo = 0;
  while (sigwait(&sigs, &signo) != 0) {
  }
  const std::uint64_t one = 1;
  if (::write(stop_fd, &one, sizeof one) < 0) die("write eventfd");
  for (auto& t : threads) t.join();
  for (const int lfd : listeners) ::close(lfd);
  ::close(stop_fd);
  return 0;
}
