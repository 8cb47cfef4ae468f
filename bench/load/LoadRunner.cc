#include "LoadRunner.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "EchoWorker.h"
#include "GameWorker.h"
#include "IdleWorker.h"
#include "MonoClock.h"
#include "Report.h"
#include "WorkerConfig.h"

namespace ptnet::load {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_signal(int) { g_interrupted = 1; }

constexpr uint64_t kSecond = 1'000'000'000ull;
constexpr uint64_t kDrainNs = 2 * kSecond;  // chat/move: how long to wait for late deliveries

uint64_t to_ns(double s) { return uint64_t(s * 1e9 + 0.5); }

double self_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

LoadRunner::LoadRunner(const LoadOptions& opts) : opts_(opts) {}

LoadRunner::~LoadRunner() { stop_workers(); }

int LoadRunner::prepare() {
  // Enough descriptors for every connection (plus stdio, rings, /proc files).
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  const uint64_t need = uint64_t(opts_.conns) + 64 + 4ull * opts_.threads;
  if (rl.rlim_cur != RLIM_INFINITY && need > rl.rlim_cur) {
    std::fprintf(stderr,
                 "ptnet-load: %s %u needs about %llu file descriptors; the limit is %llu "
                 "(raise the hard limit: ulimit -Hn)\n",
                 opts_.game() ? "--users" : "--conns", opts_.conns, static_cast<unsigned long long>(need),
                 static_cast<unsigned long long>(rl.rlim_cur));
    return 2;
  }
  // The main thread runs on the load CPUs too, so it never takes time from
  // a server pinned elsewhere.
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : opts_.cpus) CPU_SET(c, &set);
  sched_setaffinity(0, sizeof(set), &set);

  if (opts_.server_pid != 0) {
    const int err = probe_.open(opts_.server_pid);
    if (err != 0) {
      std::fprintf(stderr, "ptnet-load: --server-pid %d: cannot read /proc/%d: %s\n", int(opts_.server_pid),
                   int(opts_.server_pid), std::strerror(err));
      return 2;
    }
    have_probe_ = true;
  }

  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return -1;
}

void LoadRunner::start_workers() {
  const uint32_t t = opts_.threads;
  stats_.reserve(t);
  threads_.reserve(t);
  for (uint32_t i = 0; i < t; ++i) stats_.push_back(std::make_unique<WorkerStats>());
  for (uint32_t i = 0; i < t; ++i) {
    WorkerConfig cfg;
    cfg.index = i;
    cfg.threads = t;
    cfg.cpu = opts_.cpus[i % opts_.cpus.size()];
    cfg.addr = opts_.addr;
    cfg.first_conn = uint32_t(uint64_t(opts_.conns) * i / t);
    cfg.conns = uint32_t(uint64_t(opts_.conns) * (i + 1) / t) - cfg.first_conn;
    cfg.total_conns = opts_.conns;
    cfg.payload = opts_.size;
    cfg.depth = opts_.depth;
    const double share = double(cfg.conns) / double(opts_.conns);
    cfg.rate = opts_.rate * share;
    cfg.connect_rate = opts_.connect_rate * share;
    cfg.connect_timeout_ns = to_ns(opts_.connect_timeout_s);
    cfg.move = opts_.mode == LoadOptions::Mode::kMove;
    cfg.json = opts_.encoding == GameEncoding::kJson;
    cfg.room_size = opts_.room_size;
    cfg.user_base = opts_.user_base;
    cfg.total_rate = opts_.rate;
    WorkerStats& st = *stats_[i];
    if (opts_.game()) {
      const uint64_t heartbeat_ns = to_ns(opts_.heartbeat_s);
      threads_.emplace_back([cfg, &st, heartbeat_ns, this] {
        auto w = std::make_unique<GameWorker>(cfg, ctl_, st, heartbeat_ns);
        w->run();
      });
    } else if (opts_.mode == LoadOptions::Mode::kIdle) {
      threads_.emplace_back([cfg, &st, this] {
        auto w = std::make_unique<IdleWorker>(cfg, ctl_, st);
        w->run();
      });
    } else {
      threads_.emplace_back([cfg, &st, this] {
        auto w = std::make_unique<EchoWorker>(cfg, ctl_, st);
        w->run();
      });
    }
  }
}

void LoadRunner::stop_workers() {
  ctl_.set_phase(RunControl::Phase::kStop);
  for (std::thread& th : threads_)
    if (th.joinable()) th.join();
  threads_.clear();
}

bool LoadRunner::sleep_until(uint64_t deadline_ns) {
  timespec ts;
  ts.tv_sec = time_t(deadline_ns / kSecond);
  ts.tv_nsec = long(deadline_ns % kSecond);
  while (!g_interrupted) {
    const int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
    if (rc == 0) return true;
    if (rc != EINTR) return !g_interrupted;
  }
  return false;
}

uint64_t LoadRunner::sum_msgs_total() const {
  uint64_t n = 0;
  for (const auto& s : stats_) n += s->msgs_total.load(std::memory_order_relaxed);
  return n;
}

uint64_t LoadRunner::sum_errors() const {
  uint64_t n = 0;
  for (const auto& s : stats_) n += s->errors_total();
  return n;
}

uint64_t LoadRunner::sum(std::atomic<uint64_t> WorkerStats::*field) const {
  uint64_t n = 0;
  for (const auto& s : stats_) n += ((*s).*field).load(std::memory_order_relaxed);
  return n;
}

uint32_t LoadRunner::sum_established() const {
  uint32_t n = 0;
  for (const auto& s : stats_) n += s->established.load(std::memory_order_relaxed);
  return n;
}

void LoadRunner::collect_errors(RunResult& r) const {
  for (const auto& s : stats_)
    for (size_t k = 0; k < kErrorKinds; ++k) r.errors[k] += s->errors[k].load(std::memory_order_relaxed);
}

bool LoadRunner::wait_connected(uint64_t start_ns) {
  uint64_t next_tick = start_ns + kSecond;
  for (;;) {
    bool done = true;
    for (const auto& s : stats_) done = done && s->connect_done.load(std::memory_order_acquire);
    if (done) return true;
    if (g_interrupted) return false;
    const uint64_t now = MonoClock::now_ns();
    if (now >= next_tick) {
      if (!opts_.quiet) {
        if (opts_.game())
          Report::progress_setup(double(now - start_ns) / 1e9, sum_established(), opts_.users, sum_errors());
        else
          Report::progress_idle(double(now - start_ns) / 1e9, sum_established(), opts_.conns, sum_errors());
      }
      next_tick += kSecond;
    }
    sleep_until(std::min(next_tick, now + 2'000'000));
  }
}

int LoadRunner::check_setup() {
  for (const auto& s : stats_) {
    const int fatal = s->fatal_errno.load(std::memory_order_relaxed);
    if (fatal != 0) {
      std::fprintf(stderr, "ptnet-load: io_uring setup failed: %s\n", std::strerror(-fatal));
      return 2;
    }
  }
  return -1;
}

int LoadRunner::connect_workers(uint64_t start_ns, bool realtime, bool& connected) {
  start_workers();
  if (realtime) {
    // The main thread sleeps almost all the time but must wake on time at the
    // window edges even when a busy worker shares its CPU: make it real-time
    // if allowed (after the workers exist, so they do not inherit it).
    sched_param sp{};
    sp.sched_priority = 1;
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
  }
  connected = wait_connected(start_ns);
  return check_setup();
}

uint32_t LoadRunner::connect_failures(int& first_errno) const {
  uint32_t failed = 0;
  first_errno = 0;
  for (const auto& s : stats_) {
    failed += s->connect_failed.load(std::memory_order_relaxed);
    if (first_errno == 0) first_errno = s->first_connect_errno.load(std::memory_order_relaxed);
  }
  return failed;
}

void LoadRunner::warm_up(uint64_t start_ns, uint64_t end_ns) {
  ctl_.set_phase(RunControl::Phase::kWarmup);
  last_msgs_ = 0;
  last_deliveries_ = 0;
  last_tick_ns_ = start_ns;
  uint64_t tick = start_ns;
  while (tick + kSecond <= end_ns && sleep_until(tick + kSecond)) {
    tick += kSecond;
    progress_tick("warm");
  }
  sleep_until(end_ns);
}

void LoadRunner::open_window() {
  window_server_ticks_ = have_probe_ ? probe_.cpu_ticks() : -1;
  ctl_.set_phase(RunControl::Phase::kMeasure);
  window_self_cpu_s_ = self_cpu_s();
}

uint64_t LoadRunner::run_window(uint64_t start_ns, uint64_t end_ns, RunResult& r, bool& interrupted) {
  // Per-second figures restart at the window's edge.
  progress_tick("", false);
  uint64_t tick = start_ns;
  int second = 0;
  char label[16];
  while (tick + kSecond < end_ns && sleep_until(tick + kSecond)) {
    tick += kSecond;
    std::snprintf(label, sizeof(label), "%3ds", ++second);
    progress_tick(label);
  }
  sleep_until(end_ns);
  ctl_.set_phase(RunControl::Phase::kDrain);
  const uint64_t closed = MonoClock::now_ns();
  const int64_t server_ticks = have_probe_ ? probe_.cpu_ticks() : -1;
  r.load_cpu_s = self_cpu_s() - window_self_cpu_s_;
  if (window_server_ticks_ >= 0 && server_ticks >= 0) {
    r.has_server_cpu = true;
    r.server_cpu_s = double(server_ticks - window_server_ticks_) * probe_.tick_seconds();
  }
  interrupted = g_interrupted != 0;
  if (!interrupted && end_ns - tick >= kSecond) {
    std::snprintf(label, sizeof(label), "%3ds", ++second);
    progress_tick(label);
  }
  return closed;
}

void LoadRunner::progress_tick(const char* label, bool print) {
  const uint64_t now = MonoClock::now_ns();
  const double secs = double(now - last_tick_ns_) / 1e9;
  last_tick_ns_ = now;
  const uint64_t msgs = opts_.game() ? sum(&WorkerStats::sent_total) : sum_msgs_total();
  const uint64_t delta = msgs - last_msgs_;
  last_msgs_ = msgs;
  const uint64_t deliveries = opts_.game() ? sum(&WorkerStats::deliveries_total) : 0;
  const uint64_t delta_deliveries = deliveries - last_deliveries_;
  last_deliveries_ = deliveries;
  ++epoch_;
  ctl_.progress_epoch.store(epoch_, std::memory_order_release);
  scratch_.reset();
  uint64_t backlog = 0;
  for (const auto& s : stats_) backlog += s->backlog.load(std::memory_order_relaxed);
  if (opts_.quiet || !print) return;
  // Each worker acknowledges the new epoch on its next loop pass (at most
  // ~10 ms when idle); then the previous slot is no longer written.
  const uint64_t give_up = MonoClock::now_ns() + 100'000'000;
  for (const auto& s : stats_) {
    while (s->progress_ack.load(std::memory_order_acquire) != epoch_ && MonoClock::now_ns() < give_up) {
      timespec ts{0, 50'000};
      nanosleep(&ts, nullptr);
    }
    if (s->progress_ack.load(std::memory_order_acquire) == epoch_) scratch_.merge(s->progress[(epoch_ - 1) & 1]);
  }
  if (opts_.game())
    Report::progress_game(label, secs, delta, delta_deliveries, scratch_, sum_errors(), backlog);
  else
    Report::progress_echo(label, secs, delta, opts_.frame_bytes(), scratch_, sum_errors(), backlog);
}

int LoadRunner::run() {
  int rc = prepare();
  if (rc >= 0) return rc;
  Report::header(opts_);
  if (opts_.game()) return run_game();
  return opts_.mode == LoadOptions::Mode::kIdle ? run_idle() : run_echo();
}

int LoadRunner::run_echo() {
  bool connected = false;
  const int rc = connect_workers(MonoClock::now_ns(), true, connected);
  if (rc >= 0) return rc;
  int first_errno = 0;
  const uint32_t failed = connect_failures(first_errno);
  if (failed != 0) {
    char addr[64];
    std::snprintf(addr, sizeof(addr), "%s:%u", opts_.host.c_str(), unsigned(opts_.port));
    std::fprintf(stderr, "ptnet-load: cannot connect to %s: %s (%u of %u connections failed)\n", addr,
                 first_errno == ECANCELED ? "timed out" : std::strerror(first_errno), failed, opts_.conns);
    return 2;
  }
  if (!connected) {
    std::fprintf(stderr, "ptnet-load: interrupted while connecting\n");
    return 2;
  }

  // Warm-up: traffic flows, nothing counts.
  const uint64_t traffic_start = MonoClock::now_ns();
  ctl_.traffic_start_ns.store(traffic_start, std::memory_order_release);
  warm_up(traffic_start, traffic_start + to_ns(opts_.warmup_s));

  // Measured window: sample the server, then open the window; close the
  // window, then sample the server. Workers count only echoes they reap
  // while they see kMeasure.
  RunResult r;
  open_window();
  const uint64_t w0 = MonoClock::now_ns();
  bool interrupted = false;
  const uint64_t w1 = run_window(w0, w0 + to_ns(opts_.duration_s), r, interrupted);
  if (g_interrupted) std::fprintf(stderr, "ptnet-load: interrupted, reporting the window so far\n");
  stop_workers();

  r.window_s = double(w1 - w0) / 1e9;
  for (const auto& s : stats_) {
    r.msgs += s->msgs_window.load(std::memory_order_relaxed);
    r.latency.merge(s->window);
  }
  collect_errors(r);
  Report::summary(opts_, r);
  if (opts_.json) Report::json(opts_, r);
  return r.errors_total() == 0 ? 0 : 1;
}

int LoadRunner::run_idle() {
  RunResult r;
  if (have_probe_) r.rss_before_kib = probe_.rss_kib();
  const uint64_t t0 = MonoClock::now_ns();
  bool connected = false;
  const int rc = connect_workers(t0, false, connected);
  if (rc >= 0) return rc;
  const uint64_t t_conn = MonoClock::now_ns();
  r.connect_phase_s = double(t_conn - t0) / 1e9;
  if (sum_established() == 0) {
    int first_errno = 0;
    connect_failures(first_errno);
    std::fprintf(stderr, "ptnet-load: no connection established to %s:%u: %s\n", opts_.host.c_str(),
                 unsigned(opts_.port),
                 first_errno == 0           ? "no echo came back"
                 : first_errno == ECANCELED ? "timed out"
                                            : std::strerror(first_errno));
    return 2;
  }

  // Progress each second from the start; settle ~1 s, sample RSS, then hold.
  uint64_t tick = t0 + ((t_conn - t0) / kSecond + 1) * kSecond;
  auto hold_until = [&](uint64_t deadline) {
    while (tick <= deadline && sleep_until(tick)) {
      if (!opts_.quiet)
        Report::progress_idle(double(tick - t0) / 1e9, sum_established(), opts_.conns, sum_errors());
      tick += kSecond;
    }
    return sleep_until(deadline);
  };
  bool ok = connected && hold_until(t_conn + kSecond);
  r.established_at_sample = sum_established();
  if (have_probe_) {
    r.rss_after_kib = probe_.rss_kib();
    r.has_rss = r.rss_before_kib >= 0 && r.rss_after_kib >= 0;
  }
  if (ok) hold_until(MonoClock::now_ns() + to_ns(opts_.duration_s));
  if (g_interrupted) std::fprintf(stderr, "ptnet-load: interrupted\n");
  r.established = sum_established();
  stop_workers();
  collect_errors(r);
  Report::summary(opts_, r);
  if (opts_.json) Report::json(opts_, r);
  return r.errors_total() == 0 ? 0 : 1;
}

void LoadRunner::report_admission_failure() const {
  int first_errno = 0;
  const uint32_t failed = connect_failures(first_errno);
  const uint32_t admitted = sum_established();
  RunResult r;
  collect_errors(r);
  std::fprintf(stderr, "ptnet-load: only %u of %u users were admitted to their rooms on %s:%u", admitted,
               opts_.users, opts_.host.c_str(), unsigned(opts_.port));
  if (failed != 0) std::fprintf(stderr, " (%u failed)", failed);
  if (first_errno != 0)
    std::fprintf(stderr, "; connect: %s",
                 first_errno == ECANCELED ? "timed out" : std::strerror(first_errno));
  bool first = true;
  for (size_t k = 0; k < kErrorKinds; ++k) {
    if (r.errors[k] == 0) continue;
    std::fprintf(stderr, "%s%s %llu", first ? "; errors: " : ", ", error_kind_name(k),
                 static_cast<unsigned long long>(r.errors[k]));
    first = false;
  }
  std::fprintf(stderr, "\n");
  for (const auto& s : stats_) {
    if (!s->complaint_set.load(std::memory_order_acquire)) continue;
    std::fprintf(stderr, "ptnet-load: the server said (to user_id %u): Error code %u \"%s\"\n",
                 s->complaint_user_id, unsigned(s->complaint_code), s->complaint_text);
    break;
  }
}

void LoadRunner::drain(uint64_t deadline_ns, RunResult& r) {
  const uint64_t late = deadline_ns - 200'000'000;  // deliveries after this: still arriving
  uint64_t at_late = UINT64_MAX;
  for (;;) {
    bool sending_done = true;
    for (const auto& s : stats_) sending_done = sending_done && s->sending_done.load(std::memory_order_acquire);
    const uint64_t got = sum(&WorkerStats::deliveries_total);
    const uint64_t owed = sum(&WorkerStats::expected_total);
    if (sending_done && got >= owed) {
      r.drained = true;
      return;
    }
    const uint64_t now = MonoClock::now_ns();
    if (now >= late && at_late == UINT64_MAX) at_late = got;
    if (now >= deadline_ns || g_interrupted) {
      r.owed_at_end = owed > got ? owed - got : 0;
      r.still_arriving = at_late != UINT64_MAX && got > at_late;
      return;
    }
    sleep_until(std::min(deadline_ns, now + 2'000'000));
  }
}

int LoadRunner::run_game() {
  const uint64_t t0 = MonoClock::now_ns();
  bool connected = false;
  const int rc = connect_workers(t0, true, connected);
  if (rc >= 0) return rc;
  if (!connected) {
    std::fprintf(stderr, "ptnet-load: interrupted while connecting\n");
    return 2;
  }
  int first_errno = 0;
  if (connect_failures(first_errno) != 0 || sum_established() != opts_.users) {
    report_admission_failure();
    return 2;
  }
  RunResult r;
  r.setup_s = double(MonoClock::now_ns() - t0) / 1e9;

  // The whole timeline is fixed now: workers decide window membership of
  // each message by its intended send time, and stop sending at the end.
  const uint64_t traffic_start = MonoClock::now_ns();
  const uint64_t ws = traffic_start + to_ns(opts_.warmup_s);
  const uint64_t we = ws + to_ns(opts_.duration_s);
  ctl_.window_start_ns.store(ws, std::memory_order_relaxed);
  ctl_.window_end_ns.store(we, std::memory_order_relaxed);
  ctl_.traffic_start_ns.store(traffic_start, std::memory_order_release);
  warm_up(traffic_start, ws);

  open_window();
  bool interrupted = false;
  run_window(ws, we, r, interrupted);
  r.window_s = double(std::min(MonoClock::now_ns(), we) - ws) / 1e9;
  if (interrupted) {
    std::fprintf(stderr,
                 "ptnet-load: interrupted, reporting the window so far (missing deliveries not counted)\n");
  } else {
    drain(we + kDrainNs, r);
    r.drain_s = double(MonoClock::now_ns() - we) / 1e9;
  }
  stop_workers();

  for (const auto& s : stats_) {
    r.msgs += s->sent_window.load(std::memory_order_relaxed);
    r.deliveries += s->deliveries_window.load(std::memory_order_relaxed);
    r.expected += s->expected_window.load(std::memory_order_relaxed);
    r.latency.merge(s->window);
    if (!r.has_complaint && s->complaint_set.load(std::memory_order_acquire)) {
      r.has_complaint = true;
      r.complaint_type = s->complaint_type;
      r.complaint_code = s->complaint_code;
      r.complaint_user_id = s->complaint_user_id;
      std::memcpy(r.complaint_text, s->complaint_text, sizeof(r.complaint_text));
    }
  }
  r.joined = sum(&WorkerStats::joined_notices);
  r.left = sum(&WorkerStats::left_notices);
  r.system = sum(&WorkerStats::system_notices);
  r.heartbeats_sent = sum(&WorkerStats::heartbeats_sent);
  r.heartbeats_answered = sum(&WorkerStats::heartbeats_answered);
  collect_errors(r);
  // Every delivery owed for a window message that never came (a gap that
  // was never filled, a dead receiver, a stalled sender's lost copy).
  if (!interrupted && r.expected > r.deliveries)
    r.errors[size_t(ErrorKind::kMissing)] += r.expected - r.deliveries;
  Report::summary(opts_, r);
  if (opts_.json) Report::json(opts_, r);
  return r.errors_total() == 0 ? 0 : 1;
}

}  // namespace ptnet::load
