// fanout-floor: what the kernel allows for room fan-out on this machine,
// measured the way ptnet's chat workload sends, with no engine at all.
//
//   taskset -c 0 build/bench/floor/fanout-floor --conns 1000 --frames 50 --size 68 --duration 4
//
// N loopback TCP connections; a sender thread (pinned to --sender-cpu)
// writes, round-robin over the connections, sends of --frames frames of
// --size bytes each (one contiguous buffer per send, or with --iovec one
// iovec per frame); a reader thread (pinned to --reader-cpu) drains every
// client socket with epoll. The sender's own CPU time gives the floor:
// deliveries (frames) per sender-CPU-second. ptnet's fan-out is reported as
// a fraction of this figure, measured in the same run.
//
// Output: one human line, and with --json one line of JSON
// {"deliveries_per_cpu_s":..., "sends_per_s":..., "cpu_s":...}.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace {

struct Options {
  int conns = 1000;
  int frames = 50;
  int size = 68;
  double duration_s = 4;
  bool iovec = false;
  bool json = false;
  int sender_cpu = 0;
  int reader_cpu = 1;
};

void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

double thread_cpu_s() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Connected pairs over loopback: senders[i] writes, readers[i] reads.
bool connect_pairs(int n, std::vector<int>* senders, std::vector<int>* readers) {
  const int lfd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || listen(lfd, 4096) < 0 ||
      getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len) < 0)
    return false;
  for (int i = 0; i < n; ++i) {
    const int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) return false;
    const int s = accept(lfd, nullptr, nullptr);
    if (s < 0) return false;
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    senders->push_back(s);
    readers->push_back(c);
  }
  close(lfd);
  return true;
}

void drain(const std::vector<int>& fds, const std::atomic<bool>& stop, int cpu) {
  pin(cpu);
  const int ep = epoll_create1(0);
  for (int fd : fds) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  std::vector<epoll_event> evs(512);
  std::vector<char> buf(1 << 16);
  while (!stop.load(std::memory_order_relaxed)) {
    const int n = epoll_wait(ep, evs.data(), int(evs.size()), 50);
    for (int i = 0; i < n; ++i)
      while (recv(evs[size_t(i)].data.fd, buf.data(), buf.size(), MSG_DONTWAIT) > 0) {
      }
  }
  close(ep);
}

struct Result {
  double cpu_s = 0;
  double wall_s = 0;
  uint64_t sends = 0;
  uint64_t frames = 0;
};

Result send_loop(const Options& o, const std::vector<int>& fds) {
  pin(o.sender_cpu);
  std::vector<char> block(size_t(o.frames) * size_t(o.size), 'x');
  std::vector<iovec> iov(size_t(o.frames));
  for (int f = 0; f < o.frames; ++f) iov[size_t(f)] = iovec{block.data() + size_t(f) * size_t(o.size), size_t(o.size)};
  msghdr m{};
  m.msg_iov = iov.data();
  m.msg_iovlen = iov.size();
  Result r;
  const double cpu0 = thread_cpu_s();
  const auto t0 = std::chrono::steady_clock::now();
  const auto end = t0 + std::chrono::duration<double>(o.duration_s);
  while (std::chrono::steady_clock::now() < end) {
    for (int fd : fds) {
      const ssize_t n = o.iovec ? sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL)
                                : send(fd, block.data(), block.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n <= 0) continue;  // the reader is behind: skip this one for now
      ++r.sends;
      r.frames += uint64_t(n) / uint64_t(o.size);
    }
  }
  r.cpu_s = thread_cpu_s() - cpu0;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"fanout-floor: room fan-out at the kernel's floor (loopback TCP, no engine)"};
  app.add_option("--conns", o.conns, "Connections")->check(CLI::Range(1, 100000));
  app.add_option("--frames", o.frames, "Frames per send")->check(CLI::Range(1, 1024));
  app.add_option("--size", o.size, "Bytes per frame")->check(CLI::Range(1, 65536));
  app.add_option("--duration", o.duration_s, "Seconds of sending")->check(CLI::Range(0.1, 3600.0));
  app.add_flag("--iovec", o.iovec, "One iovec per frame (sendmsg) instead of one contiguous buffer");
  app.add_option("--sender-cpu", o.sender_cpu, "CPU of the sending thread");
  app.add_option("--reader-cpu", o.reader_cpu, "CPU of the draining thread");
  app.add_flag("--json", o.json, "Also print one line of JSON");
  CLI11_PARSE(app, argc, argv);

  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  std::vector<int> senders, readers;
  if (!connect_pairs(o.conns, &senders, &readers)) {
    std::fprintf(stderr, "fanout-floor: cannot set up %d loopback connections: %s\n", o.conns, std::strerror(errno));
    return 1;
  }
  std::atomic<bool> stop{false};
  std::thread reader(drain, std::cref(readers), std::cref(stop), o.reader_cpu);
  const Result r = send_loop(o, senders);
  stop.store(true);
  reader.join();
  const double per_cpu = double(r.frames) / r.cpu_s;
  std::printf("fanout-floor: %d conns, %d x %d B per send (%s): %.0f sends/s, %.2fM deliveries per sender-CPU-second "
              "(%.2f s CPU in %.2f s)\n",
              o.conns, o.frames, o.size, o.iovec ? "one iovec per frame" : "contiguous", double(r.sends) / r.wall_s,
              per_cpu / 1e6, r.cpu_s, r.wall_s);
  if (o.json)
    std::printf("{\"deliveries_per_cpu_s\":%.0f,\"sends_per_s\":%.0f,\"cpu_s\":%.3f,\"frames_per_send\":%d,\"size\":%d}\n",
                per_cpu, double(r.sends) / r.wall_s, r.cpu_s, o.frames, o.size);
  for (int fd : senders) close(fd);
  for (int fd : readers) close(fd);
  return 0;
}
