// One finished operation, as either backend reports it.
#pragma once

#include <cstdint>

namespace ptnet::io {

struct Completion {
  uint64_t user_data;
  int32_t res;        // >= 0 result, < 0 negated errno
  uint16_t buf_id;    // valid when has_buffer
  bool has_buffer;    // res bytes landed in buffer buf_id; release it after use
  bool more;          // a multishot operation stays armed
};

}  // namespace ptnet::io
