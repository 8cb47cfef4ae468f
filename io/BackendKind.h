// Which I/O backend a shard runs on.
#pragma once

#include <cstdint>

namespace ptnet::io {

enum class BackendKind : uint8_t { Auto, Uring, Epoll };

// How one shard wakes another that sleeps in the kernel.
enum class WakeMode : uint8_t { Auto, EventFd, MsgRing };

const char* to_string(BackendKind k);
const char* to_string(WakeMode m);

}  // namespace ptnet::io
