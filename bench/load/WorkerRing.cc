#include "WorkerRing.h"

#include <sys/mman.h>

#include <cerrno>

namespace ptnet::load {

void WorkerRing::destroy() {
  // Exiting the ring cancels every request still in flight before the
  // buffers they point at go away.
  if (ring_ok_) io_uring_queue_exit(&ring_);
  ring_ok_ = false;
  if (br_) munmap(br_, br_bytes_);
  br_ = nullptr;
  if (bufs_) munmap(bufs_, bufs_bytes_);
  bufs_ = nullptr;
}

int WorkerRing::init(uint32_t sq_entries, uint32_t cq_entries, uint32_t buf_count,
                     uint32_t buf_size) {
  struct Attempt {
    unsigned flags;
    const char* name;
  };
  static constexpr Attempt kAttempts[] = {
      {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, "single_issuer+defer_taskrun"},
      {IORING_SETUP_COOP_TASKRUN, "coop_taskrun"},
      {0, "plain"},
  };
  int rc = -EINVAL;
  for (const Attempt& a : kAttempts) {
    io_uring_params p{};
    p.flags = a.flags | IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
    p.cq_entries = cq_entries;
    rc = io_uring_queue_init_params(sq_entries, &ring_, &p);
    if (rc == -EINVAL) {  // SUBMIT_ALL unknown to old kernels: try without it
      p = io_uring_params{};
      p.flags = a.flags | IORING_SETUP_CQSIZE;
      p.cq_entries = cq_entries;
      rc = io_uring_queue_init_params(sq_entries, &ring_, &p);
    }
    if (rc == 0) {
      setup_name_ = a.name;
      break;
    }
  }
  if (rc != 0) return rc;
  ring_ok_ = true;
  io_uring_register_ring_fd(&ring_);  // optional: saves an fd lookup per enter

  buf_size_ = buf_size;
  br_bytes_ = sizeof(io_uring_buf) * buf_count;
  void* br = mmap(nullptr, br_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (br == MAP_FAILED) {
    br_ = nullptr;
    return -errno;
  }
  br_ = static_cast<io_uring_buf_ring*>(br);
  bufs_bytes_ = size_t(buf_count) * buf_size;
  void* bufs = mmap(nullptr, bufs_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (bufs == MAP_FAILED) {
    bufs_ = nullptr;
    return -errno;
  }
  bufs_ = static_cast<uint8_t*>(bufs);

  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(br_);
  reg.ring_entries = buf_count;
  reg.bgid = kBufferGroup;
  rc = io_uring_register_buf_ring(&ring_, &reg, 0);
  if (rc != 0) return rc;
  io_uring_buf_ring_init(br_);
  mask_ = io_uring_buf_ring_mask(buf_count);
  for (uint32_t i = 0; i < buf_count; ++i) recycle(uint16_t(i));
  publish_buffers();
  return 0;
}

}  // namespace ptnet::load
