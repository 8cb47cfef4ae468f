#include "app/OptionSources.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

namespace ptnet::app {

namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string env_name(const std::string& flag) {
  std::string e = "PTNET_";
  for (char c : flag) e += c == '-' ? '_' : char(std::toupper(static_cast<unsigned char>(c)));
  return e;
}

// "key = value", "key value" or "key" (a flag set to true).
bool split_line(const std::string& line, std::string* key, std::string* value) {
  const size_t eq = line.find('=');
  const size_t sp = line.find_first_of(" \t");
  const size_t cut = eq != std::string::npos ? eq : sp;
  *key = trim(line.substr(0, cut));
  *value = cut == std::string::npos ? "true" : trim(line.substr(cut + 1));
  if (value->size() >= 2 && value->front() == '"' && value->back() == '"') *value = value->substr(1, value->size() - 2);
  return !key->empty();
}

}  // namespace

bool OptionSources::known(const std::string& name) const {
  return std::find(known_.begin(), known_.end(), name) != known_.end();
}

void OptionSources::add(Origin o, const std::string& name, const std::string& value) {
  std::vector<std::string>& out = o == Origin::File ? file_ : o == Origin::Env ? env_ : cli_;
  out.push_back("--" + name + "=" + value);
  origin_[name] = o;
}

bool OptionSources::add_file(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read config file '" + path + "'";
    return false;
  }
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    std::string key, value;
    if (!split_line(line, &key, &value) || !known(key) || key == "config") {
      *error = path + ":" + std::to_string(n) + ": unknown setting '" + key + "' (keys are the flag names)";
      return false;
    }
    add(Origin::File, key, value);
  }
  return true;
}

void OptionSources::add_env() {
  for (const std::string& name : known_) {
    if (name == "config") continue;
    if (const char* v = std::getenv(env_name(name).c_str()); v != nullptr && *v != '\0') add(Origin::Env, name, v);
  }
  // The seed's .env names for the listening address.
  for (const char* alias : {"PTNET_TCP_HOST", "PTNET_UDP_HOST"})
    if (const char* v = std::getenv(alias); v != nullptr && *v != '\0' && known("host")) add(Origin::Env, "host", v);
}

void OptionSources::add_command_line(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    cli_.push_back(a);
    if (a.rfind("--", 0) == 0) origin_[a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2)] = Origin::CommandLine;
  }
}

std::vector<std::string> OptionSources::merged(const char* program) const {
  std::vector<std::string> v{program};
  v.insert(v.end(), file_.begin(), file_.end());
  v.insert(v.end(), env_.begin(), env_.end());
  v.insert(v.end(), cli_.begin(), cli_.end());
  return v;
}

OptionSources::Origin OptionSources::origin(const std::string& name) const {
  auto it = origin_.find(name);
  return it == origin_.end() ? Origin::Default : it->second;
}

std::string OptionSources::config_path(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) return argv[i + 1];
    if (a.rfind("--config=", 0) == 0) return a.substr(9);
  }
  const char* env = std::getenv("PTNET_CONFIG");
  return env != nullptr ? env : "";
}

const char* OptionSources::to_string(Origin o) {
  switch (o) {
    case Origin::Default: return "default";
    case Origin::File: return "config file";
    case Origin::Env: return "environment";
    case Origin::CommandLine: return "command line";
  }
  return "?";
}

}  // namespace ptnet::app
