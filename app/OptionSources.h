// Where ptnet-server's settings come from, merged into one argument list so
// CLI11 parses and validates every source the same way:
//
//   defaults  <  --config FILE  <  PTNET_* environment  <  command line
//
// (later wins: every option takes the last value given). A config file holds
// `flag-name = value` lines (`#` comments; `echo = true` for a flag); an
// environment variable is PTNET_ plus the flag name in upper case with `_`
// for `-` (PTNET_TCP_PORT, PTNET_SIM_LOSS), and the seed's .env names
// PTNET_TCP_HOST / PTNET_UDP_HOST mean --host. The origin of every option
// given is remembered for --print-config.
//
// Threads: setup only, one thread.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ptnet::app {

class OptionSources {
 public:
  enum class Origin { Default, File, Env, CommandLine };

  // `known` are the long option names (without "--") the program accepts.
  explicit OptionSources(std::vector<std::string> known) : known_(std::move(known)) {}

  // Reads FILE; false (and `error` says why, with the line) on a missing
  // file, a malformed line or an unknown key.
  bool add_file(const std::string& path, std::string* error);
  // Reads PTNET_* variables for every known option.
  void add_env();
  void add_command_line(int argc, char** argv);

  // argv for CLI11: program name, then file, env and command-line arguments.
  std::vector<std::string> merged(const char* program) const;
  Origin origin(const std::string& name) const;
  // The --config path given on the command line or in PTNET_CONFIG ("" if none).
  static std::string config_path(int argc, char** argv);

  static const char* to_string(Origin o);

 private:
  bool known(const std::string& name) const;
  void add(Origin o, const std::string& name, const std::string& value);

  std::vector<std::string> known_;
  std::vector<std::string> file_, env_, cli_;
  std::map<std::string, Origin> origin_;
};

}  // namespace ptnet::app
