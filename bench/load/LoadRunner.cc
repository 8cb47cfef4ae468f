#include "bench/load/LoadRunner.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/Clock.h"
#include "bench/load/Interrupt.h"
#include "bench/load/Report.h"

namespace ptnet::load {

namespace {

constexpr uint64_t kSecond = 1'000'000'000ull;
constexpr uint64_t kDrainNs = 2 * kSecond;  // chat/move: how long to wait for late deliveries

uint64_t to_ns(double s) { return uint64_t(s * 1e9 + 0.5); }

double self_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

const char* connect_error(int err) {
  return err == 0 ? "failed" : err == ECANCELED ? "timed out" : std::strerror(err);
}

// "; errors: closed 3, handshake 2" for the kinds r counted ("" for none).
std::string error_list(const RunResult& r) {
  std::string s;
  for (size_t k = 0; k < kErrorKinds; ++k) {
    if (r.errors[k] == 0) continue;
    s += (s.empty() ? "; errors: " : ", ") + std::string(error_kind_name(k)) + " " + std::to_string(r.errors[k]);
  }
  return s;
}

}  // namespace

LoadRunner::LoadRunner(const LoadOptions& opts) : opts_(opts), fleet_(opts_, ctl_), progress_(opts_, ctl_, fleet_) {}

bool LoadRunner::prepare() {
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
    return false;
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
      return false;
    }
    have_probe_ = true;
  }
  Interrupt::install();
  return true;
}

void LoadRunner::set_phase(RunControl::Phase p) {
  ctl_.set_phase(p);
  fleet_.wake();
}

bool LoadRunner::wait_connected(uint64_t start_ns) {
  uint64_t next_tick = start_ns + kSecond;
  while (!fleet_.connected()) {
    if (Interrupt::raised()) return false;
    const uint64_t now = monotonic_ns();
    if (now >= next_tick && !opts_.quiet) {
      const double t = double(now - start_ns) / 1e9;
      if (opts_.game())
        Report::progress_setup(t, fleet_.established(), opts_.users, fleet_.errors());
      else
        Report::progress_idle(t, fleet_.established(), opts_.conns, fleet_.errors());
    }
    if (now >= next_tick) next_tick += kSecond;
    Interrupt::sleep_until(std::min(next_tick, now + 2'000'000));
  }
  return true;
}

LoadRunner::Launch LoadRunner::launch(uint64_t start_ns, bool realtime) {
  const int err = fleet_.start();
  if (err != 0) {
    std::fprintf(stderr, "ptnet-load: cannot start the workers: %s\n", std::strerror(-err));
    return Launch::kFailed;
  }
  if (realtime) {
    // The main thread sleeps almost all the time but must wake on time at the
    // window edges even when a busy worker shares its CPU: make it real-time
    // if allowed (after the workers exist, so they do not inherit it).
    sched_param sp{};
    sp.sched_priority = 1;
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
  }
  return wait_connected(start_ns) ? Launch::kConnected : Launch::kInterrupted;
}

void LoadRunner::warm_up(uint64_t start_ns, uint64_t end_ns) {
  set_phase(RunControl::Phase::kWarmup);
  progress_.restart(start_ns);
  uint64_t tick = start_ns;
  while (tick + kSecond <= end_ns && Interrupt::sleep_until(tick + kSecond)) {
    tick += kSecond;
    progress_.tick("warm");
  }
  Interrupt::sleep_until(end_ns);
}

void LoadRunner::open_window() {
  window_server_ticks_ = have_probe_ ? probe_.cpu_ticks() : -1;
  set_phase(RunControl::Phase::kMeasure);
  window_self_cpu_s_ = self_cpu_s();
}

uint64_t LoadRunner::run_window(uint64_t start_ns, uint64_t end_ns, RunResult& r, bool& interrupted) {
  progress_.tick("", false);  // per-second figures restart at the window's edge
  uint64_t tick = start_ns;
  int second = 0;
  char label[16];
  while (tick + kSecond < end_ns && Interrupt::sleep_until(tick + kSecond)) {
    tick += kSecond;
    std::snprintf(label, sizeof(label), "%3ds", ++second);
    progress_.tick(label);
  }
  Interrupt::sleep_until(end_ns);
  ctl_.set_phase(RunControl::Phase::kDrain);
  const uint64_t closed = monotonic_ns();
  const int64_t server_ticks = have_probe_ ? probe_.cpu_ticks() : -1;
  r.load_cpu_s = self_cpu_s() - window_self_cpu_s_;
  if (window_server_ticks_ >= 0 && server_ticks >= 0) {
    r.has_server_cpu = true;
    r.server_cpu_s = double(server_ticks - window_server_ticks_) * probe_.tick_seconds();
  }
  interrupted = Interrupt::raised();
  if (!interrupted && end_ns - tick >= kSecond) {
    std::snprintf(label, sizeof(label), "%3ds", ++second);
    progress_.tick(label);
  }
  return closed;
}

ExitStatus LoadRunner::report(const RunResult& r) const {
  Report::summary(opts_, r);
  if (opts_.json) Report::json(opts_, r);
  return r.errors_total() == 0 ? ExitStatus::kOk : ExitStatus::kErrors;
}

ExitStatus LoadRunner::run() {
  if (!prepare()) return ExitStatus::kFailed;
  Report::header(opts_);
  if (opts_.game()) return run_game();
  return opts_.mode == Mode::kIdle ? run_idle() : run_echo();
}

ExitStatus LoadRunner::run_echo() {
  const Launch launched = launch(monotonic_ns(), true);
  if (launched == Launch::kFailed) return ExitStatus::kFailed;
  const WorkerFleet::ConnectFailures failed = fleet_.connect_failures();
  if (failed.count != 0) {
    std::fprintf(stderr, "ptnet-load: cannot connect to %s:%u: %s (%u of %u connections failed)\n",
                 opts_.host.c_str(), unsigned(opts_.port), connect_error(failed.first_errno), failed.count,
                 opts_.conns);
    return ExitStatus::kFailed;
  }
  if (launched == Launch::kInterrupted) {
    std::fprintf(stderr, "ptnet-load: interrupted while connecting\n");
    return ExitStatus::kFailed;
  }
  // Warm-up: traffic flows, nothing counts.
  const uint64_t traffic_start = monotonic_ns();
  ctl_.traffic_start_ns.store(traffic_start, std::memory_order_release);
  warm_up(traffic_start, traffic_start + to_ns(opts_.warmup_s));
  // Measured window: sample the server, then open the window; close the
  // window, then sample the server. Workers count only echoes they take in
  // while they see kMeasure.
  RunResult r;
  open_window();
  const uint64_t w0 = monotonic_ns();
  bool interrupted = false;
  const uint64_t w1 = run_window(w0, w0 + to_ns(opts_.duration_s), r, interrupted);
  if (Interrupt::raised()) std::fprintf(stderr, "ptnet-load: interrupted, reporting the window so far\n");
  ctl_.set_phase(RunControl::Phase::kStop);
  fleet_.stop();
  r.window_s = double(w1 - w0) / 1e9;
  for (const auto& s : fleet_.stats()) {
    r.msgs += s->msgs_window.load(std::memory_order_relaxed);
    r.latency.merge(s->window);
  }
  fleet_.collect_errors(r);
  return report(r);
}

bool LoadRunner::hold_until(uint64_t deadline_ns, uint64_t start_ns, uint64_t& tick_ns) {
  while (tick_ns <= deadline_ns && Interrupt::sleep_until(tick_ns)) {
    if (!opts_.quiet)
      Report::progress_idle(double(tick_ns - start_ns) / 1e9, fleet_.established(), opts_.conns, fleet_.errors());
    tick_ns += kSecond;
  }
  return Interrupt::sleep_until(deadline_ns);
}

ExitStatus LoadRunner::run_idle() {
  RunResult r;
  if (have_probe_) r.rss_before_kib = probe_.rss_kib();
  const uint64_t t0 = monotonic_ns();
  const Launch launched = launch(t0, false);
  if (launched == Launch::kFailed) return ExitStatus::kFailed;
  const uint64_t t_conn = monotonic_ns();
  r.connect_phase_s = double(t_conn - t0) / 1e9;
  if (fleet_.established() == 0) {
    const int err = fleet_.connect_failures().first_errno;
    fleet_.collect_errors(r);
    std::fprintf(stderr, "ptnet-load: no connection established to %s:%u: %s%s\n", opts_.host.c_str(),
                 unsigned(opts_.port), err != 0 ? connect_error(err) : "none proved itself",
                 error_list(r).c_str());
    return ExitStatus::kFailed;
  }
  // Progress each second from the start; settle ~1 s, sample RSS, then hold.
  uint64_t tick = t0 + ((t_conn - t0) / kSecond + 1) * kSecond;
  const bool ok = launched == Launch::kConnected && hold_until(t_conn + kSecond, t0, tick);
  r.established_at_sample = fleet_.established();
  if (have_probe_) {
    r.rss_after_kib = probe_.rss_kib();
    r.has_rss = r.rss_before_kib >= 0 && r.rss_after_kib >= 0;
  }
  if (ok) hold_until(monotonic_ns() + to_ns(opts_.duration_s), t0, tick);
  if (Interrupt::raised()) std::fprintf(stderr, "ptnet-load: interrupted\n");
  r.established = fleet_.established();
  ctl_.set_phase(RunControl::Phase::kStop);
  fleet_.stop();
  fleet_.collect_errors(r);
  return report(r);
}

bool LoadRunner::check_admission() const {
  if (fleet_.connect_failures().count == 0 && fleet_.established() == opts_.users) return true;
  report_admission_failure();
  return false;
}

void LoadRunner::report_admission_failure() const {
  const WorkerFleet::ConnectFailures failed = fleet_.connect_failures();
  RunResult r;
  fleet_.collect_errors(r);
  std::fprintf(stderr, "ptnet-load: only %u of %u users were admitted to their rooms on %s:%u",
               fleet_.established(), opts_.users, opts_.host.c_str(), unsigned(opts_.port));
  if (failed.count != 0) std::fprintf(stderr, " (%u failed)", failed.count);
  if (failed.first_errno != 0) std::fprintf(stderr, "; connect: %s", connect_error(failed.first_errno));
  std::fprintf(stderr, "%s\n", error_list(r).c_str());
  for (const auto& s : fleet_.stats()) {
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
    for (const auto& s : fleet_.stats()) sending_done = sending_done && s->sending_done.load(std::memory_order_acquire);
    const uint64_t got = fleet_.sum(&WorkerStats::deliveries_total);
    const uint64_t owed = fleet_.sum(&WorkerStats::expected_total);
    if (sending_done && got >= owed) {
      r.drained = true;
      return;
    }
    const uint64_t now = monotonic_ns();
    if (now >= late && at_late == UINT64_MAX) at_late = got;
    if (now >= deadline_ns || Interrupt::raised()) {
      r.owed_at_end = owed > got ? owed - got : 0;
      r.still_arriving = at_late != UINT64_MAX && got > at_late;
      return;
    }
    Interrupt::sleep_until(std::min(deadline_ns, now + 2'000'000));
  }
}

void LoadRunner::collect_game(RunResult& r, bool interrupted) const {
  for (const auto& s : fleet_.stats()) {
    r.msgs += s->sent_window.load(std::memory_order_relaxed);
    r.deliveries += s->deliveries_window.load(std::memory_order_relaxed);
    r.expected += s->expected_window.load(std::memory_order_relaxed);
    r.latency.merge(s->window);
    if (r.has_complaint || !s->complaint_set.load(std::memory_order_acquire)) continue;
    r.has_complaint = true;
    r.complaint_type = s->complaint_type;
    r.complaint_code = s->complaint_code;
    r.complaint_user_id = s->complaint_user_id;
    std::memcpy(r.complaint_text, s->complaint_text, sizeof(r.complaint_text));
  }
  r.joined = fleet_.sum(&WorkerStats::joined_notices);
  r.left = fleet_.sum(&WorkerStats::left_notices);
  r.system = fleet_.sum(&WorkerStats::system_notices);
  r.heartbeats_sent = fleet_.sum(&WorkerStats::heartbeats_sent);
  r.heartbeats_answered = fleet_.sum(&WorkerStats::heartbeats_answered);
  fleet_.collect_errors(r);
  // Every delivery owed for a window message that never came (a gap that
  // was never filled, a dead receiver, a stalled sender's lost copy).
  if (!interrupted && r.expected > r.deliveries) r.errors[size_t(ErrorKind::kMissing)] += r.expected - r.deliveries;
}

ExitStatus LoadRunner::run_game() {
  const uint64_t t0 = monotonic_ns();
  const Launch launched = launch(t0, true);
  if (launched == Launch::kFailed) return ExitStatus::kFailed;
  if (launched == Launch::kInterrupted) {
    std::fprintf(stderr, "ptnet-load: interrupted while connecting\n");
    return ExitStatus::kFailed;
  }
  if (!check_admission()) return ExitStatus::kFailed;
  RunResult r;
  r.setup_s = double(monotonic_ns() - t0) / 1e9;
  // The whole timeline is fixed now: workers decide window membership of
  // each message by its intended send time, and stop sending at the end.
  const uint64_t traffic_start = monotonic_ns();
  const uint64_t ws = traffic_start + to_ns(opts_.warmup_s);
  const uint64_t we = ws + to_ns(opts_.duration_s);
  ctl_.window_start_ns.store(ws, std::memory_order_relaxed);
  ctl_.window_end_ns.store(we, std::memory_order_relaxed);
  ctl_.traffic_start_ns.store(traffic_start, std::memory_order_release);
  warm_up(traffic_start, ws);
  open_window();
  bool interrupted = false;
  run_window(ws, we, r, interrupted);
  r.window_s = double(std::min(monotonic_ns(), we) - ws) / 1e9;
  if (interrupted) {
    std::fprintf(stderr, "ptnet-load: interrupted, reporting the window so far (missing deliveries not counted)\n");
  } else {
    drain(we + kDrainNs, r);
    r.drain_s = double(monotonic_ns() - we) / 1e9;
  }
  ctl_.set_phase(RunControl::Phase::kStop);
  fleet_.stop();
  collect_game(r, interrupted);
  return report(r);
}

}  // namespace ptnet::load
