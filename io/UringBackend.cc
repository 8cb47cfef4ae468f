#include "io/UringBackend.h"

#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/Assert.h"
#include "base/Log.h"
#include "io/UserData.h"

namespace ptnet::io {

namespace {
constexpr uint16_t kBufGroup = 0;
constexpr uint64_t kEventFdUd = UserData::encode(kOpWake, 0, 0);
constexpr uint64_t kMsgRingUd = UserData::encode(kOpWake, 1, 0);
// A broadcast queues one reference per frame, so a member that receives many
// frames in one pass needs many iovecs to go out in one send.
constexpr size_t kMaxIovPerSend = 64;
}  // namespace

int UringBackend::probe() {
  io_uring r;
  int err = io_uring_queue_init(4, &r, 0);
  if (err < 0) return err;
  io_uring_queue_exit(&r);
  return 0;
}

UringBackend::~UringBackend() {
  if (ring_ok_) {
    if (br_registered_) io_uring_unregister_buf_ring(&ring_, kBufGroup);
    io_uring_queue_exit(&ring_);
  }
  if (br_ != nullptr) munmap(br_, br_bytes_);
}

int UringBackend::init(const BackendConfig& cfg) {
  int err = init_common(cfg);
  if (err < 0) return err;
  if ((cfg.recv_buffers & (cfg.recv_buffers - 1)) != 0) return -EINVAL;
  std::string refused;
  const char* flags = nullptr;
  if ((err = setup_ring(cfg, &flags, &refused)) < 0) return err;
  if ((err = setup_buffer_ring(cfg)) < 0) return err;
  msgs_.resize(cfg.sq_entries);
  addrs_.resize(cfg.sq_entries);
  iovs_.resize(size_t(cfg.sq_entries) * 8);
  recvmsg_layout_.msg_namelen = sizeof(sockaddr_in6);
  // Auto picks MSG_RING: measured faster here (bench_wake: ~50 us vs ~60-69 us
  // per cross-shard round trip, and ~30% less CPU), and it rides in the
  // sender's next submit instead of costing a write(2).
  wake_mode_ = cfg.wake == WakeMode::EventFd ? WakeMode::EventFd : WakeMode::MsgRing;
  std::string wake_note;
  if (wake_mode_ == WakeMode::MsgRing && !probe_msg_ring()) {
    wake_mode_ = WakeMode::EventFd;
    wake_note = "; IORING_OP_MSG_RING unsupported by this kernel: waking by eventfd";
  }
  arm_eventfd();
  description_ = std::string("io_uring (") + flags + ", " + std::to_string(cfg.sq_entries) + " SQ / " +
                 std::to_string(cfg.sq_entries * cfg.cq_factor) + " CQ, " + std::to_string(cfg.recv_buffers) +
                 " x " + std::to_string(cfg.recv_buffer_size) + " B provided buffers, wake by " +
                 to_string(wake_mode_) + ")";
  if (!refused.empty()) description_ += "; refused: " + refused;
  description_ += wake_note;
  return 0;
}

int UringBackend::setup_ring(const BackendConfig& cfg, const char** got, std::string* refused) {
  struct Attempt {
    unsigned flags;
    const char* name;
  };
  const Attempt attempts[] = {
      {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, "SINGLE_ISSUER|DEFER_TASKRUN"},
      {IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, "COOP_TASKRUN"},
      {0, "no setup flags"},
  };
  int err = -EINVAL;
  for (const Attempt& a : attempts) {
    io_uring_params p{};
    p.flags = a.flags | IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
    p.cq_entries = cfg.sq_entries * cfg.cq_factor;
    err = io_uring_queue_init_params(cfg.sq_entries, &ring_, &p);
    if (err == -EINVAL) {  // older kernels lack SUBMIT_ALL as well
      p = io_uring_params{};
      p.flags = a.flags | IORING_SETUP_CQSIZE;
      p.cq_entries = cfg.sq_entries * cfg.cq_factor;
      err = io_uring_queue_init_params(cfg.sq_entries, &ring_, &p);
    }
    if (err == 0) {
      *got = a.name;
      ring_ok_ = true;
      io_uring_register_ring_fd(&ring_);  // best effort: saves an fd lookup per enter
      return 0;
    }
    if (!refused->empty()) *refused += ", ";
    *refused += std::string(a.name) + ": " + std::strerror(-err);
    if (err != -EINVAL) return err;  // EPERM, ENOSYS, ENOMEM: no flag will help
  }
  return err;
}

int UringBackend::setup_buffer_ring(const BackendConfig& cfg) {
  // liburing 2.3 has no io_uring_setup_buf_ring: mmap + register + init.
  br_bytes_ = size_t(cfg.recv_buffers) * sizeof(io_uring_buf);
  void* mem = mmap(nullptr, br_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) return -errno;
  br_ = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_ring_init(br_);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(mem);
  reg.ring_entries = cfg.recv_buffers;
  reg.bgid = kBufGroup;
  const int err = io_uring_register_buf_ring(&ring_, &reg, 0);
  if (err < 0) return err;
  br_registered_ = true;
  br_mask_ = io_uring_buf_ring_mask(cfg.recv_buffers);
  for (uint32_t i = 0; i < cfg.recv_buffers; ++i)
    io_uring_buf_ring_add(br_, buffers_.data(uint16_t(i)), buffers_.size(), uint16_t(i), br_mask_, int(i));
  io_uring_buf_ring_advance(br_, int(cfg.recv_buffers));
  return 0;
}

void UringBackend::submit_now() {
  // io_uring_submit() may take only part of the SQ (allocation failure, or
  // without SUBMIT_ALL the first SQE that fails): retry a few times.
  for (int tries = 0; io_uring_sq_ready(&ring_) > 0 && tries < 4; ++tries) {
    const int r = io_uring_submit(&ring_);
    if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) break;
  }
  release_scratch();
}

void UringBackend::release_scratch() {
  // The kernel copies each sendmsg's msghdr, address and iovecs while it
  // submits the SQE, so the scratch is free again once no SQE that points
  // into it is left in the SQ.
  if (io_uring_sq_ready(&ring_) != 0) return;
  msgs_used_ = 0;
  iovs_used_ = 0;
}

// Every caller prepares the SQE it gets before calling get_sqe() again or
// anything that submits: a taken SQE is submitted with the next batch
// whatever it holds.
io_uring_sqe* UringBackend::get_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (PTNET_UNLIKELY(sqe == nullptr)) {
    submit_now();  // SQ full within one pass: hand what we have to the kernel now
    sqe = io_uring_get_sqe(&ring_);
    PTNET_ASSERT(sqe != nullptr);
  }
  return sqe;
}

void UringBackend::arm_eventfd() {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_read(sqe, event_fd_, &event_value_, sizeof event_value_, 0);
  io_uring_sqe_set_data64(sqe, kEventFdUd);
  eventfd_armed_ = true;
}

void UringBackend::accept_multishot(int listen_fd, uint64_t user_data) {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_multishot_accept(sqe, listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, user_data);
}

void UringBackend::recv_multishot(int fd, uint64_t user_data) {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_recv_multishot(sqe, fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufGroup;
  io_uring_sqe_set_data64(sqe, user_data);
}

size_t UringBackend::take_msghdr(unsigned iovcnt) {
  // Make room in the msghdr/iovec scratch BEFORE an SQE is taken: submitting
  // with a taken but unprepared SQE would hand the kernel whatever that slot
  // held one ring lap ago (an old sendmsg, replayed on a stale msghdr).
  // Also submit when the SQ itself is full: otherwise the get_sqe() that
  // follows would submit and release the scratch while this msghdr is
  // handed out but not yet in any SQE, and a later send in the same pass
  // would be given the same msghdr.
  auto full = [&] { return msgs_used_ == msgs_.size() || iovs_used_ + iovcnt > iovs_.size(); };
  if (full() || io_uring_sq_space_left(&ring_) == 0) submit_now();
  if (full() || io_uring_sq_space_left(&ring_) == 0) return SIZE_MAX;  // the kernel would not take the SQ
  msghdr* m = &msgs_[msgs_used_];
  *m = msghdr{};
  m->msg_iov = &iovs_[iovs_used_];
  m->msg_iovlen = iovcnt;
  iovs_used_ += iovcnt;
  return msgs_used_++;
}

void UringBackend::send(int fd, const iovec* iov, unsigned iovcnt, uint64_t user_data) {
  PTNET_ASSERT(iovcnt > 0 && iovcnt <= kMaxIovPerSend);
  if (iovcnt == 1) {
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_send(sqe, fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, user_data);
    return;
  }
  const size_t i = take_msghdr(iovcnt);
  if (PTNET_UNLIKELY(i == SIZE_MAX)) return complete_locally(user_data, -EAGAIN);
  msghdr* m = &msgs_[i];
  std::memcpy(m->msg_iov, iov, sizeof(iovec) * iovcnt);
  io_uring_sqe* sqe = get_sqe();  // may submit: the kernel has copied the msghdr by then
  io_uring_prep_sendmsg(sqe, fd, m, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, user_data);
}

void UringBackend::sendto(int fd, const uint8_t* data, uint32_t len, const SockAddr& to, uint64_t user_data) {
  const size_t i = take_msghdr(1);
  if (PTNET_UNLIKELY(i == SIZE_MAX)) return complete_locally(user_data, -EAGAIN);
  msghdr* m = &msgs_[i];
  m->msg_iov[0] = iovec{const_cast<uint8_t*>(data), len};
  m->msg_name = &addrs_[i];
  m->msg_namelen = to.to_sockaddr(&addrs_[i]);
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_sendmsg(sqe, fd, m, 0);
  io_uring_sqe_set_data64(sqe, user_data);
}

void UringBackend::recvmsg_multishot(int fd, uint64_t user_data) {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_recvmsg_multishot(sqe, fd, &recvmsg_layout_, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufGroup;
  io_uring_sqe_set_data64(sqe, user_data);
}

bool UringBackend::datagram(const Completion& c, Datagram* out) const {
  if (!c.has_buffer || c.res <= 0) return false;
  auto* layout = const_cast<msghdr*>(&recvmsg_layout_);
  io_uring_recvmsg_out* o = io_uring_recvmsg_validate(buffer(c.buf_id), c.res, layout);
  if (o == nullptr || (o->flags & MSG_TRUNC) != 0 || o->namelen > recvmsg_layout_.msg_namelen) return false;
  if (!out->from.from_sockaddr(static_cast<const sockaddr*>(io_uring_recvmsg_name(o)), socklen_t(o->namelen)))
    return false;
  out->data = static_cast<const uint8_t*>(io_uring_recvmsg_payload(o, layout));
  out->len = io_uring_recvmsg_payload_length(o, c.res, layout);
  return true;
}

unsigned UringBackend::max_iov() const { return unsigned(kMaxIovPerSend); }

void UringBackend::shutdown_fd(int fd) {
  // Synchronous: every pending recv/send on the socket completes promptly.
  ::shutdown(fd, SHUT_RDWR);
}

void UringBackend::cancel(int fd, uint64_t user_data) {
  (void)fd;
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_cancel64(sqe, user_data, 0);
  io_uring_sqe_set_data64(sqe, 0);
}

void UringBackend::release_buffer(uint16_t bid) {
  io_uring_buf_ring_add(br_, buffers_.data(bid), buffers_.size(), bid, br_mask_, br_pending_++);
}

uint32_t UringBackend::wake_target_index(Backend& target) {
  for (uint32_t i = 0; i < wake_targets_.size(); ++i)
    if (wake_targets_[i] == &target) return i;
  wake_targets_.push_back(&target);
  return uint32_t(wake_targets_.size() - 1);
}

void UringBackend::wake(Backend& target) {
  const int fd = target.msg_ring_fd();
  if (wake_mode_ == WakeMode::MsgRing && msg_ring_ok_ && fd >= 0) {
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_msg_ring(sqe, fd, 0, kMsgRingUd, 0);
    io_uring_sqe_set_data64(sqe, UserData::encode(kOpMsgRingSent, wake_target_index(target), 0));
    return;
  }
  target.notify();
}

void UringBackend::on_msg_ring_sent(uint64_t user_data, int res) {
  if (PTNET_LIKELY(res >= 0)) return;
  // The target's sleeping_ flag was already cleared by the sender, so this
  // wake-up must still happen: resend it by eventfd. A failure can be
  // transient (-EOVERFLOW), so only repeated ones switch every later wake
  // to eventfd.
  const uint32_t i = UserData::slot(user_data);
  if (i < wake_targets_.size()) wake_targets_[i]->notify();
  if (++msg_ring_failures_ == kMaxMsgRingFailures) {
    msg_ring_ok_ = false;
    PTNET_LOG_WARN("IORING_OP_MSG_RING failed %u times (last: %s): waking other shards by eventfd from now on",
                   msg_ring_failures_, std::strerror(-res));
  }
}

bool UringBackend::probe_msg_ring() {
  io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
  if (probe == nullptr) return false;
  const bool ok = io_uring_opcode_supported(probe, IORING_OP_MSG_RING) != 0;
  io_uring_free_probe(probe);
  return ok;
}

void UringBackend::complete_locally(uint64_t user_data, int32_t res) {
  local_.push_back(Completion{user_data, res, 0, false, false});
}

uint32_t UringBackend::cq_overflows() const { return *ring_.cq.koverflow; }

int UringBackend::wait(Completion* out, int max, int64_t timeout_ns) {
  if (br_pending_ != 0) {
    io_uring_buf_ring_advance(br_, br_pending_);
    br_pending_ = 0;
  }
  int ret;
  if (timeout_ns == 0 || io_uring_cq_ready(&ring_) > 0 || !local_.empty()) {
    ret = io_uring_submit_and_get_events(&ring_);
  } else if (timeout_ns < 0) {
    ret = io_uring_submit_and_wait(&ring_, 1);
  } else {
    __kernel_timespec ts{};
    ts.tv_sec = timeout_ns / 1'000'000'000;
    ts.tv_nsec = timeout_ns % 1'000'000'000;
    io_uring_cqe* cqe = nullptr;
    ret = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
  }
  release_scratch();
  if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EBUSY && ret != -EAGAIN) return ret;

  int n = 0;
  while (n < max && !local_.empty()) {
    out[n++] = local_.back();
    local_.pop_back();
  }
  unsigned seen = 0;
  unsigned head;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    const uint64_t ud = cqe->user_data;
    const uint8_t op = UserData::op(ud);
    if (op < kFirstServiceOp) {
      ++seen;
      if (ud == kEventFdUd) eventfd_armed_ = false;
      if (op == kOpMsgRingSent) on_msg_ring_sent(ud, cqe->res);
      continue;
    }
    if (n == max) break;
    ++seen;
    Completion& c = out[n++];
    c.user_data = ud;
    c.res = cqe->res;
    c.more = (cqe->flags & IORING_CQE_F_MORE) != 0;
    c.has_buffer = (cqe->flags & IORING_CQE_F_BUFFER) != 0;
    c.buf_id = c.has_buffer ? uint16_t(cqe->flags >> IORING_CQE_BUFFER_SHIFT) : 0;
  }
  io_uring_cq_advance(&ring_, seen);
  if (!eventfd_armed_) arm_eventfd();
  if (PTNET_UNLIKELY(cq_overflows() != overflows_seen_)) {
    // Nothing is lost (the kernel keeps them, IORING_FEAT_NODROP, and the
    // next enter flushes them), but the CQ is too small for the load.
    overflows_seen_ = cq_overflows();
    PTNET_LOG_WARN("io_uring completion queue overflowed (%u so far): raise --sq-entries", overflows_seen_);
  }
  return n;
}

}  // namespace ptnet::io
