#include "tcp/SharedFrame.h"

#include "tcp/FramePool.h"

namespace ptnet::tcp {

void SharedFrame::destroy() {
  if (pool != nullptr) pool->free(this);
  else std::free(this);
}

}  // namespace ptnet::tcp
