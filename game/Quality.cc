#include "game/Quality.h"

namespace ptnet::game {

const char* to_string(Quality q) {
  switch (q) {
    case Quality::Excellent: return "Excellent";
    case Quality::Good: return "Good";
    case Quality::Fair: return "Fair";
    case Quality::Poor: return "Poor";
    case Quality::VeryPoor: return "VeryPoor";
    case Quality::kCount: break;
  }
  return "?";
}

}  // namespace ptnet::game
