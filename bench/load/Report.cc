#include "bench/load/Report.h"

#include <arpa/inet.h>

#include <cstdio>
#include <string>

#include "bench/load/GameTraffic.h"
#include "core/CpuSet.h"

namespace ptnet::load {

namespace {

double ms(uint64_t ns) { return double(ns) / 1e6; }
double us(uint64_t ns) { return double(ns) / 1e3; }

}  // namespace

const char* Report::grouped(uint64_t v, char* out) {
  char digits[24];
  const int n = std::snprintf(digits, sizeof(digits), "%llu", static_cast<unsigned long long>(v));
  int o = 0;
  for (int i = 0; i < n; ++i) {
    if (i != 0 && (n - i) % 3 == 0) out[o++] = ',';
    out[o++] = digits[i];
  }
  out[o] = '\0';
  return out;
}

void Report::header(const LoadOptions& o) {
  if (o.game()) {
    header_game(o);
    return;
  }
  char addr[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &o.addr.sin_addr, addr, sizeof(addr));
  char conns[32];
  if (o.mode == Mode::kIdle) {
    std::printf("ptnet-load idle: %s:%u, %s connections, connect rate %s, hold %.1f s, "
                "%u thread(s) on CPU %s\n",
                addr, unsigned(o.port), grouped(o.conns, conns),
                o.connect_rate > 0 ? std::to_string(uint64_t(o.connect_rate)).append("/s").c_str()
                                   : "unpaced",
                o.duration_s, o.threads, CpuSet::format(o.cpus).c_str());
  } else {
    char rate[48];
    if (o.open_loop())
      std::snprintf(rate, sizeof(rate), "open loop at %.0f msg/s", o.rate);
    else
      std::snprintf(rate, sizeof(rate), "closed loop");
    std::printf("ptnet-load echo: %s:%u, %s conns x depth %u, %u-byte payload (%u-byte frames), "
                "%s, %.1f s warm-up + %.1f s measured, %u thread(s) on CPU %s\n",
                addr, unsigned(o.port), grouped(o.conns, conns), o.depth, o.size, o.frame_bytes(),
                rate, o.warmup_s, o.duration_s, o.threads, CpuSet::format(o.cpus).c_str());
  }
  std::fflush(stdout);
}

void Report::progress_echo(const char* label, double secs, uint64_t msgs, uint32_t frame_bytes,
                           const LatencyHistogram& h, uint64_t errors, uint64_t backlog) {
  char rate[32];
  const double per_s = secs > 0 ? double(msgs) / secs : 0.0;
  std::printf("[%s] %s msg/s  %.1f MB/s  p50 %.2f ms  p99 %.2f ms  errors %llu", label,
              grouped(uint64_t(per_s + 0.5), rate), per_s * frame_bytes / 1e6,
              ms(h.percentile(50)), ms(h.percentile(99)), static_cast<unsigned long long>(errors));
  if (backlog != 0) std::printf("  backlog %llu", static_cast<unsigned long long>(backlog));
  std::printf("\n");
  std::fflush(stdout);
}

void Report::progress_idle(double t, uint32_t established, uint32_t conns, uint64_t errors) {
  char a[32], b[32];
  std::printf("[%3.0fs] established %s / %s  errors %llu\n", t, grouped(established, a),
              grouped(conns, b), static_cast<unsigned long long>(errors));
  std::fflush(stdout);
}

void Report::summary(const LoadOptions& o, const RunResult& r) {
  if (o.game()) {
    summary_game(o, r);
    return;
  }
  char a[32], b[32];
  if (o.mode == Mode::kIdle) {
    std::printf("connections  %s requested, %s established and held (connect phase %.2f s)\n",
                grouped(o.conns, a), grouped(r.established, b), r.connect_phase_s);
    if (r.has_rss) {
      const uint32_t n = r.established_at_sample ? r.established_at_sample : o.conns;
      std::printf("server RSS   %lld KiB before, %lld KiB with %u idle connections = %.0f bytes/connection\n",
                  static_cast<long long>(r.rss_before_kib), static_cast<long long>(r.rss_after_kib), n,
                  double(r.rss_after_kib - r.rss_before_kib) * 1024.0 / double(n));
    }
  } else {
    const double rate = r.window_s > 0 ? double(r.msgs) / r.window_s : 0.0;
    std::printf("messages     %s echoed and verified in %.3f s = %s msg/s\n", grouped(r.msgs, a),
                r.window_s, grouped(uint64_t(rate + 0.5), b));
    std::printf("throughput   %.1f MB/s (frame bytes = 4-byte header + payload, counted once: the "
                "echoed direction; x2 for both)\n",
                rate * o.frame_bytes() / 1e6);
    const LatencyHistogram& h = r.latency;
    std::printf("latency      p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms  "
                "(mean %.3f ms; %s)\n",
                ms(h.percentile(50)), ms(h.percentile(90)), ms(h.percentile(99)),
                ms(h.percentile(99.9)), ms(h.max()), h.mean() / 1e6,
                o.open_loop() ? "from intended send times" : "round trip");
    std::printf("generator    %.2f s CPU in the window = %.3f us/msg\n", r.load_cpu_s,
                r.msgs ? r.load_cpu_s * 1e6 / double(r.msgs) : 0.0);
    if (r.has_server_cpu) {
      std::printf("server       pid %d: %.2f s CPU in the window = %.3f us/msg\n", int(o.server_pid),
                  r.server_cpu_s, r.msgs ? r.server_cpu_s * 1e6 / double(r.msgs) : 0.0);
    }
  }
  errors_line(r);
  std::fflush(stdout);
}

void Report::errors_line(const RunResult& r) {
  std::printf("errors       %llu", static_cast<unsigned long long>(r.errors_total()));
  bool first = true;
  for (size_t k = 0; k < kErrorKinds; ++k) {
    if (r.errors[k] == 0) continue;
    std::printf("%s%s %llu", first ? " (" : ", ", error_kind_name(k),
                static_cast<unsigned long long>(r.errors[k]));
    first = false;
  }
  std::printf("%s\n", first ? "" : ")");
}

void Report::json(const LoadOptions& o, const RunResult& r) {
  if (o.game()) {
    json_game(o, r);
    return;
  }
  char line[1024];
  int n = 0;
  auto add = [&](const char* fmt, auto... args) {
    if (n < int(sizeof(line))) n += std::snprintf(line + n, sizeof(line) - size_t(n), fmt, args...);
  };
  if (o.mode == Mode::kIdle) {
    add("{\"mode\":\"idle\",\"conns\":%u,\"established\":%u", o.conns, r.established);
    if (r.has_rss) {
      const uint32_t c = r.established_at_sample ? r.established_at_sample : o.conns;
      add(",\"rss_before_kib\":%lld,\"rss_after_kib\":%lld,\"rss_per_conn_bytes\":%.0f",
          static_cast<long long>(r.rss_before_kib), static_cast<long long>(r.rss_after_kib),
          double(r.rss_after_kib - r.rss_before_kib) * 1024.0 / double(c));
    }
  } else {
    const double rate = r.window_s > 0 ? double(r.msgs) / r.window_s : 0.0;
    const LatencyHistogram& h = r.latency;
    add("{\"mode\":\"echo\",\"conns\":%u,\"depth\":%u,\"size\":%u,\"rate\":%.0f,\"duration_s\":%.3f",
        o.conns, o.depth, o.size, o.rate, r.window_s);
    add(",\"msgs\":%llu,\"msgs_per_s\":%.1f,\"mb_per_s\":%.1f", static_cast<unsigned long long>(r.msgs),
        rate, rate * o.frame_bytes() / 1e6);
    add(",\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f",
        us(h.percentile(50)), us(h.percentile(90)), us(h.percentile(99)), us(h.percentile(99.9)),
        us(h.max()));
  }
  add(",\"errors\":%llu", static_cast<unsigned long long>(r.errors_total()));
  if (o.mode == Mode::kEcho && r.has_server_cpu)
    add(",\"server_cpu_s\":%.2f,\"server_cpu_us_per_msg\":%.3f", r.server_cpu_s,
        r.msgs ? r.server_cpu_s * 1e6 / double(r.msgs) : 0.0);
  add("}");
  std::printf("%s\n", line);
  std::fflush(stdout);
}

void Report::header_game(const LoadOptions& o) {
  char addr[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &o.addr.sin_addr, addr, sizeof(addr));
  char users[32], rooms[32];
  char traffic[128];
  const bool chat = o.mode == Mode::kChat;
  if (o.open_loop())
    std::snprintf(traffic, sizeof(traffic), "open loop at %.0f msg/s (%.3g per user)", o.rate,
                  o.rate / double(o.users));
  else
    std::snprintf(traffic, sizeof(traffic), "closed loop, %u own message(s) outstanding per user", o.depth);
  char text[32] = "";
  if (chat) std::snprintf(text, sizeof(text), ", %u-byte text", o.size);
  std::printf("ptnet-load %s: %s:%u, %s users (user_id %u..%u) in %s room(s) of %u, %s encoding%s, %s, "
              "%.1f s warm-up + %.1f s measured, heartbeat every %.3g s, %u thread(s) on CPU %s\n",
              o.mode_name(), addr, unsigned(o.port), grouped(o.users, users), o.user_base,
              o.user_base + (o.users - 1), grouped(o.rooms(), rooms), o.room_size, o.encoding_name(), text,
              traffic, o.warmup_s, o.duration_s, o.heartbeat_s, o.threads, CpuSet::format(o.cpus).c_str());
  std::fflush(stdout);
}

void Report::progress_setup(double t, uint32_t admitted, uint32_t users, uint64_t errors) {
  char a[32], b[32];
  std::printf("[%3.0fs] admitted %s / %s users  errors %llu\n", t, grouped(admitted, a), grouped(users, b),
              static_cast<unsigned long long>(errors));
  std::fflush(stdout);
}

void Report::progress_game(const char* label, double secs, uint64_t msgs, uint64_t deliveries,
                           const LatencyHistogram& h, uint64_t errors, uint64_t backlog) {
  char a[32], b[32];
  const double m = secs > 0 ? double(msgs) / secs : 0.0;
  const double d = secs > 0 ? double(deliveries) / secs : 0.0;
  std::printf("[%s] %s msg/s  %s deliveries/s  p50 %.2f ms  p99 %.2f ms  errors %llu", label,
              grouped(uint64_t(m + 0.5), a), grouped(uint64_t(d + 0.5), b), ms(h.percentile(50)),
              ms(h.percentile(99)), static_cast<unsigned long long>(errors));
  if (backlog != 0) std::printf("  backlog %llu", static_cast<unsigned long long>(backlog));
  std::printf("\n");
  std::fflush(stdout);
}

void Report::summary_game(const LoadOptions& o, const RunResult& r) {
  char a[32], b[32], c[32];
  const bool chat = o.mode == Mode::kChat;
  std::printf("users        %s in %s room(s) of %u, %s encoding; all admitted in %.2f s "
              "(connect, Connect -> ConnectionAck -> welcome)\n",
              grouped(o.users, a), grouped(o.rooms(), b), o.room_size, o.encoding_name(), r.setup_s);
  const double mps = r.window_s > 0 ? double(r.msgs) / r.window_s : 0.0;
  const double dps = r.window_s > 0 ? double(r.deliveries) / r.window_s : 0.0;
  std::printf("messages     %s %s sent in the %.3f s window = %s msg/s\n", grouped(r.msgs, a),
              chat ? "ChatMessage" : "PlayerMove", r.window_s, grouped(uint64_t(mps + 0.5), b));
  std::printf("deliveries   %s of %s owed = %s deliveries/s (fan-out %.2f per message: %s)\n",
              grouped(r.deliveries, a), grouped(r.expected, b), grouped(uint64_t(dps + 0.5), c),
              r.msgs ? double(r.expected) / double(r.msgs) : 0.0,
              chat ? "every member, sender included" : "the other members");
  const LatencyHistogram& h = r.latency;
  std::printf("latency      p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms  "
              "(mean %.3f ms; per delivery, from the sender's %s send time)\n",
              ms(h.percentile(50)), ms(h.percentile(90)), ms(h.percentile(99)), ms(h.percentile(99.9)),
              ms(h.max()), h.mean() / 1e6, o.open_loop() ? "intended" : "actual");
  if (r.drained)
    std::printf("drain        every owed delivery in %.0f ms after the window\n", r.drain_s * 1e3);
  else if (r.drain_s > 0)
    std::printf("drain        gave up %.2f s after the window with %s deliveries still owed%s\n", r.drain_s,
                grouped(r.owed_at_end, a),
                r.still_arriving ? " and still arriving: the run is overloaded (see latency), lower the load"
                                 : "");
  RoomMap rooms{o.users, o.room_size, o.user_base};
  std::printf("notices      UserJoinedRoom %s (%s if every arrival is announced), UserLeftRoom %llu, "
              "SystemMessage %llu; HeartBeat %llu sent, %llu answered\n",
              grouped(r.joined, a), grouped(rooms.member_pairs(), b), static_cast<unsigned long long>(r.left),
              static_cast<unsigned long long>(r.system), static_cast<unsigned long long>(r.heartbeats_sent),
              static_cast<unsigned long long>(r.heartbeats_answered));
  std::printf("generator    %.2f s CPU in the window = %.3f us/delivery\n", r.load_cpu_s,
              r.deliveries ? r.load_cpu_s * 1e6 / double(r.deliveries) : 0.0);
  if (r.has_server_cpu) {
    std::printf("server       pid %d: %.2f s CPU in the window = %s deliveries per server-CPU-second "
                "(%.3f us/delivery)\n",
                int(o.server_pid), r.server_cpu_s,
                grouped(uint64_t(r.server_cpu_s > 0 ? double(r.deliveries) / r.server_cpu_s + 0.5 : 0.0), a),
                r.deliveries ? r.server_cpu_s * 1e6 / double(r.deliveries) : 0.0);
  }
  errors_line(r);
  if (r.has_complaint) {
    if (MsgType(r.complaint_type) == MsgType::kError)
      std::printf("server said  Error code %u \"%s\" (the first one, to user_id %u)\n", unsigned(r.complaint_code),
                  r.complaint_text, r.complaint_user_id);
    else
      std::printf("server said  ChatResponse success false \"%s\" (the first one, to user_id %u)\n",
                  r.complaint_text, r.complaint_user_id);
  }
  std::fflush(stdout);
}

void Report::json_game(const LoadOptions& o, const RunResult& r) {
  char line[1024];
  int n = 0;
  auto add = [&](const char* fmt, auto... args) {
    if (n < int(sizeof(line))) n += std::snprintf(line + n, sizeof(line) - size_t(n), fmt, args...);
  };
  const bool chat = o.mode == Mode::kChat;
  const double mps = r.window_s > 0 ? double(r.msgs) / r.window_s : 0.0;
  const double dps = r.window_s > 0 ? double(r.deliveries) / r.window_s : 0.0;
  const LatencyHistogram& h = r.latency;
  add("{\"mode\":\"%s\",\"users\":%u,\"rooms\":%u,\"room_size\":%u,\"encoding\":\"%s\",\"size\":%u",
      o.mode_name(), o.users, o.rooms(), o.room_size, o.encoding_name(), chat ? o.size : 0u);
  add(",\"depth\":%u,\"rate\":%.0f,\"duration_s\":%.3f", o.open_loop() ? 0u : o.depth, o.rate, r.window_s);
  add(",\"msgs\":%llu,\"msgs_per_s\":%.1f,\"deliveries\":%llu,\"deliveries_per_s\":%.1f",
      static_cast<unsigned long long>(r.msgs), mps, static_cast<unsigned long long>(r.deliveries), dps);
  add(",\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f",
      us(h.percentile(50)), us(h.percentile(90)), us(h.percentile(99)), us(h.percentile(99.9)), us(h.max()));
  add(",\"errors\":%llu", static_cast<unsigned long long>(r.errors_total()));
  if (r.errors_total() != 0) {
    add(",\"error_kinds\":{");
    bool first = true;
    for (size_t k = 0; k < kErrorKinds; ++k) {
      if (r.errors[k] == 0) continue;
      add("%s\"%s\":%llu", first ? "" : ",", error_kind_name(k),
          static_cast<unsigned long long>(r.errors[k]));
      first = false;
    }
    add("}");
  }
  if (r.has_server_cpu)
    add(",\"server_cpu_s\":%.2f,\"deliveries_per_server_cpu_s\":%.0f", r.server_cpu_s,
        r.server_cpu_s > 0 ? double(r.deliveries) / r.server_cpu_s : 0.0);
  add("}");
  std::printf("%s\n", line);
  std::fflush(stdout);
}

}  // namespace ptnet::load
