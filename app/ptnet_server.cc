// ptnet-server: one shard per chosen CPU, each serving the game (or, with
// --echo, the transport benchmark) over TCP and reliable UDP.
//
//   taskset -c 0 build/app/ptnet-server --echo --cpus 0 --tcp-port 4000
//
// SIGINT/SIGTERM: stop accepting, flush queued output (--shutdown-grace),
// close, exit 0.
#include <signal.h>
#include <sys/resource.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "app/Server.h"
#include "app/ServerOptions.h"
#include "app/StatsLog.h"
#include "base/Clock.h"
#include "base/Log.h"

using namespace ptnet;

namespace {

void raise_fd_limit() {
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// Blocks SIGINT/SIGTERM (shards inherit the mask: only the main thread
// takes them) and ignores SIGPIPE.
sigset_t block_stop_signals() {
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return sigs;
}

// Logs the stats line every interval until a stop signal arrives.
void run_until_signal(const sigset_t& sigs, const app::ServerOptions& opt, app::StatsLog& stats) {
  for (;;) {
    timespec ts{opt.stats_interval_s > 0 ? time_t(opt.stats_interval_s) : 3600, 0};
    const int sig = sigtimedwait(&sigs, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM) {
      PTNET_LOG_INFO("%s: stopping (grace %.1f s)", sig == SIGINT ? "SIGINT" : "SIGTERM",
                     double(opt.engine.shutdown_grace_ns) / 1e9);
      return;
    }
    if (opt.stats_interval_s > 0) stats.log(monotonic_ns());
  }
}

void set_level(const std::string& name) {
  static const char* const levels[] = {"debug", "info", "warn", "error"};
  for (int i = 0; i < 4; ++i)
    if (name == levels[i]) set_log_level(LogLevel(i));
}

}  // namespace

int main(int argc, char** argv) {
  app::ServerOptions opt;
  const app::OptionsOutcome parsed = app::parse_server_options(argc, argv, &opt);
  if (!parsed.run) return parsed.exit_code;
  set_level(opt.log_level);
  raise_fd_limit();
  const sigset_t sigs = block_stop_signals();

  app::Server server(opt);
  if (const int err = server.start(); err != 0) {
    std::fprintf(stderr, "ptnet-server: start failed: %s\n", std::strerror(-err));
    return 1;
  }
  server.announce();
  app::StatsLog stats(server.engine(), server.game());
  run_until_signal(sigs, opt, stats);
  server.stop();
  const CounterSnapshot total = server.engine().counters();
  PTNET_LOG_INFO("stopped: accepted %" PRIu64 ", frames in %" PRIu64 ", frames out %" PRIu64
                 ", datagrams in %" PRIu64 ", out %" PRIu64 ", loop passes %" PRIu64
                 ", receive-buffer shortfalls %" PRIu64,
                 total[Counter::Accepted], total[Counter::FramesIn], total[Counter::FramesOut],
                 total[Counter::DatagramsIn], total[Counter::DatagramsOut], total[Counter::LoopPasses],
                 total[Counter::RecvNoBuffers]);
  return 0;
}
