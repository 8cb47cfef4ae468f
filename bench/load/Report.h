// Human-readable and JSON output of ptnet-load: the run header, per-second
// progress lines, the final summary and the final JSON line. Stateless;
// called only by the main thread. Everything goes to stdout (flushed per
// line) so `ptnet-load ... | tail -1` yields the JSON line.
#pragma once

#include <cstdint>

#include "bench/load/LatencyHistogram.h"
#include "bench/load/LoadOptions.h"
#include "bench/load/RunResult.h"

namespace ptnet::load {

struct Report {
  static void header(const LoadOptions& o);
  // One echo progress line: `label` is "  3s" or "warm", figures for the
  // last `secs` seconds; `errors` is the running total.
  static void progress_echo(const char* label, double secs, uint64_t msgs, uint32_t frame_bytes,
                            const LatencyHistogram& h, uint64_t errors, uint64_t backlog);
  static void progress_idle(double t, uint32_t established, uint32_t conns, uint64_t errors);
  // chat / move: users admitted so far while connecting; then per second
  // messages sent, deliveries and delivery latency.
  static void progress_setup(double t, uint32_t admitted, uint32_t users, uint64_t errors);
  static void progress_game(const char* label, double secs, uint64_t msgs, uint64_t deliveries,
                            const LatencyHistogram& h, uint64_t errors, uint64_t backlog);
  static void summary(const LoadOptions& o, const RunResult& r);
  static void json(const LoadOptions& o, const RunResult& r);

 private:
  static void header_game(const LoadOptions& o);
  static void summary_game(const LoadOptions& o, const RunResult& r);
  static void json_game(const LoadOptions& o, const RunResult& r);
  static void errors_line(const RunResult& r);

  // 1234567 -> "1,234,567" into out (at least 32 bytes).
  static const char* grouped(uint64_t v, char* out);
};

}  // namespace ptnet::load
