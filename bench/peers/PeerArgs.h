// The command line and the listening line shared by the benchmark peers (peer-asio-echo,
// peer-asio-chat, peer-epoll-echo).
//
// Flags: --port N (default 4000, 0 = ephemeral), --threads N (default 1, at most 1024),
//        --max-frame N (default 65536); each as "--flag N" or "--flag=N". -h/--help prints the
//        usage and exits 0; a bad command line prints the problem and the usage, exit 2.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace ptnet::peers {

struct PeerOptions {
  unsigned port = 4000;
  unsigned threads = 1;
  std::uint32_t max_frame = 65536;
};

// What differs between the peers' command lines.
struct PeerSpec {
  const char* name;  // "peer-asio-echo": prefixes every message, names the listening line
  const char* help;  // the usage text after its "usage: NAME [--port N] ..." line
  bool help_to_stdout = false;     // --help prints to stdout (otherwise stderr)
  bool max_frame_nonzero = false;  // --max-frame 0 is a usage error
};

// Prints `msg` (if any) and the usage; exits 2 after a message, 0 for --help.
[[noreturn]] inline void usage(const PeerSpec& spec, const char* msg) {
  if (msg != nullptr) std::fprintf(stderr, "%s: %s\n", spec.name, msg);
  std::FILE* out = msg == nullptr && spec.help_to_stdout ? stdout : stderr;
  std::fprintf(out, "usage: %s [--port N] [--threads N] [--max-frame BYTES]\n%s", spec.name,
               spec.help);
  std::exit(msg != nullptr ? 2 : 0);
}

inline unsigned long parse_number(const PeerSpec& spec, std::string_view name, const char* text,
                                 unsigned long max) {
  char* end = nullptr;
  errno = 0;
  const unsigned long v = std::strtoul(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v > max) {
    const std::string msg = "bad value for " + std::string(name) + ": " + text;
    usage(spec, msg.c_str());
  }
  return v;
}

inline PeerOptions parse_args(const PeerSpec& spec, int argc, char** argv) {
  PeerOptions opt;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") usage(spec, nullptr);
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
      usage(spec, msg.c_str());
    }
    if (value == nullptr) {
      const std::string msg = "missing value for " + name;
      usage(spec, msg.c_str());
    }
    if (name == "--port") {
      opt.port = static_cast<unsigned>(parse_number(spec, name, value, 65535));
    } else if (name == "--threads") {
      opt.threads = static_cast<unsigned>(parse_number(spec, name, value, 1024));
      if (opt.threads == 0) usage(spec, "--threads must be >= 1");
    } else {
      opt.max_frame = static_cast<std::uint32_t>(parse_number(spec, name, value, 0xffffffffUL));
      if (spec.max_frame_nonzero && opt.max_frame == 0) usage(spec, "--max-frame must be >= 1");
    }
  }
  return opt;
}

// The line run_bench.py (and anyone scripting a peer) waits for: "NAME listening on :PORT".
inline void print_listening(const PeerSpec& spec, unsigned port) {
  std::printf("%s listening on :%u\n", spec.name, port);
  std::fflush(stdout);
}

}  // namespace ptnet::peers
