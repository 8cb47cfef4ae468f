#include "base/Log.h"

#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace ptnet {

namespace {

void stderr_sink(LogLevel level, const char* line) {
  static const char* const names[] = {"debug", "info", "warn", "error"};
  char buf[1200];
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t;
  gmtime_r(&ts.tv_sec, &t);
  int n = std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03ld ptnet %s: %s\n", t.tm_hour, t.tm_min,
                        t.tm_sec, ts.tv_nsec / 1'000'000, names[int(level)], line);
  if (n > 0) {
    ssize_t w = write(STDERR_FILENO, buf, size_t(n) < sizeof buf ? size_t(n) : sizeof buf - 1);
    (void)w;
  }
}

std::atomic<LogSink> g_sink{stderr_sink};
std::atomic<int> g_level{int(LogLevel::Info)};

}  // namespace

void set_log_sink(LogSink sink) { g_sink.store(sink ? sink : stderr_sink); }
void set_log_level(LogLevel level) { g_level.store(int(level)); }
LogLevel log_level() { return LogLevel(g_level.load()); }

void log(LogLevel level, const char* fmt, ...) {
  if (int(level) < g_level.load(std::memory_order_relaxed)) return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  g_sink.load()(level, line);
}

}  // namespace ptnet
