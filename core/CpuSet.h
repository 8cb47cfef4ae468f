// CPU lists as operators write them ("0,2-3") and the process's affinity.
#pragma once

#include <string>
#include <vector>

namespace ptnet {

struct CpuSet {
  // Parses "0,2-3"; returns false (and leaves `out` empty) on bad syntax,
  // a descending range, duplicates, or a CPU number >= CPU_SETSIZE.
  static bool parse(const std::string& text, std::vector<int>* out);
  // CPUs in the calling thread's affinity mask, ascending.
  static std::vector<int> affinity();
  // "0,2-3" from a list.
  static std::string format(const std::vector<int>& cpus);
};

}  // namespace ptnet
