// Process-wide logging. Library code logs through here; the application
// decides where lines go (set_log_sink) and how much (set_log_level).
// Thread-safe: each line is formatted on the caller's stack and handed to
// the sink whole.
#pragma once

namespace ptnet {

enum class LogLevel : int { Debug = 0, Info = 1, Warn = 2, Error = 3 };

using LogSink = void (*)(LogLevel level, const char* line);

void set_log_sink(LogSink sink);  // nullptr restores the stderr sink
void set_log_level(LogLevel level);
LogLevel log_level();

void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace ptnet

#define PTNET_LOG_INFO(...) ::ptnet::log(::ptnet::LogLevel::Info, __VA_ARGS__)
#define PTNET_LOG_WARN(...) ::ptnet::log(::ptnet::LogLevel::Warn, __VA_ARGS__)
#define PTNET_LOG_ERROR(...) ::ptnet::log(::ptnet::LogLevel::Error, __VA_ARGS__)
