#include "core/CpuSet.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>

namespace ptnet {

namespace {
bool parse_int(const std::string& s, int* out) {
  if (s.empty() || s.size() > 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  *out = std::atoi(s.c_str());
  return *out < CPU_SETSIZE;
}
}  // namespace

bool CpuSet::parse(const std::string& text, std::vector<int>* out) {
  out->clear();
  std::vector<int> cpus;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(pos, comma - pos);
    size_t dash = item.find('-');
    int lo, hi;
    if (dash == std::string::npos) {
      if (!parse_int(item, &lo)) return false;
      hi = lo;
    } else {
      if (!parse_int(item.substr(0, dash), &lo) || !parse_int(item.substr(dash + 1), &hi)) return false;
      if (hi < lo) return false;
    }
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
    pos = comma + 1;
  }
  std::vector<int> sorted = cpus;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return false;
  *out = std::move(cpus);
  return !out->empty();
}

std::vector<int> CpuSet::affinity() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return {0};
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

std::string CpuSet::format(const std::vector<int>& cpus) {
  std::string s;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!s.empty()) s += ',';
    s += std::to_string(cpus[i]);
    if (j > i) s += '-' + std::to_string(cpus[j]);
    i = j + 1;
  }
  return s;
}

}  // namespace ptnet
