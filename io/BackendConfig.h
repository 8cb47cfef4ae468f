// Sizes and modes for one backend instance. Plain data, set by the app.
#pragma once

#include <cstdint>

#include "io/BackendKind.h"

namespace ptnet::io {

struct BackendConfig {
  BackendKind kind = BackendKind::Auto;
  WakeMode wake = WakeMode::Auto;
  uint32_t sq_entries = 1024;      // io_uring submission queue
  uint32_t cq_factor = 8;          // CQ entries = sq_entries * cq_factor
  uint32_t recv_buffers = 2048;    // provided receive buffers (power of two)
  uint32_t recv_buffer_size = 4096;
};

}  // namespace ptnet::io
