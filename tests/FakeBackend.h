// A scripted io::Backend for deterministic tests of what sits above io/
// (TcpService, handlers): the shard runs its real loop, but every wait()
// hands the operations queued in that pass to the test and returns the
// completions the test scripts, in lockstep.
//
//   test thread                         shard thread
//   -----------                         ------------
//                                       before_wait(): queue ops
//   Pass p = script.next_pass();  <---  wait(): record ops, check their fds
//   script.answer({completions}); --->  ... returns them; dispatch
//
// Like the kernel, shutdown_fd() ends the operations armed on that fd
// (their completions come with the next wait()). At submission (wait())
// every operation queued in the pass is checked to still name the socket
// it named when it was queued: an operation left on a closed and reused fd
// number is exactly the bug class this exists to catch.
//
// Threads: the backend is created and used on its shard's thread; Script is
// shared with the test thread under its mutex. Ownership: the test owns the
// Script and the fds it hands out as accepted sockets.
#pragma once

#include <sys/stat.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "base/Assert.h"
#include "io/Backend.h"

namespace ptnet::test {

struct FakeOp {
  enum Kind { Accept, Recv, Send, Shutdown, Cancel } kind;
  int fd;
  uint64_t user_data;
  std::vector<uint8_t> bytes;  // Send: what was asked to be sent
  bool fd_ok_at_submit = true;
};

struct FakePass {
  std::vector<FakeOp> ops;
  bool has(FakeOp::Kind k, int fd) const {
    for (const FakeOp& op : ops)
      if (op.kind == k && op.fd == fd) return true;
    return false;
  }
  const FakeOp* find(FakeOp::Kind k, int fd) const {
    for (const FakeOp& op : ops)
      if (op.kind == k && op.fd == fd) return &op;
    return nullptr;
  }
};

class FakeScript {
 public:
  // Test thread: the next pass's operations (waits for the shard to get there).
  FakePass next_pass() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return !passes_.empty(); });
    FakePass p = std::move(passes_.front());
    passes_.pop_front();
    return p;
  }
  // Test thread: what the waiting wait() returns.
  void answer(std::vector<io::Completion> cqes) {
    std::lock_guard<std::mutex> lk(mu_);
    answers_.push_back(std::move(cqes));
    cv_.notify_all();
  }
  // Test thread: stop scripting; wait() returns what shutdowns produced
  // (and otherwise nothing) after a short sleep, so the engine can stop.
  void free_run() {
    std::lock_guard<std::mutex> lk(mu_);
    free_run_ = true;
    cv_.notify_all();
  }
  std::vector<uint16_t> released() {
    std::lock_guard<std::mutex> lk(mu_);
    return released_;
  }
  // Operations found naming a closed or different socket when submitted.
  int bad_fd_ops() {
    std::lock_guard<std::mutex> lk(mu_);
    return bad_fd_ops_;
  }

 private:
  friend class FakeBackend;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<FakePass> passes_;
  std::deque<std::vector<io::Completion>> answers_;
  std::vector<uint16_t> released_;
  int bad_fd_ops_ = 0;
  bool free_run_ = false;
};

class FakeBackend final : public io::Backend {
 public:
  explicit FakeBackend(FakeScript* script) : script_(script) {}

  int init(const io::BackendConfig& cfg) {
    description_ = "fake (scripted by the test)";
    return init_common(cfg);
  }

  // Test thread, while the shard is blocked in wait(): puts bytes in a free
  // receive buffer for a scripted recv completion.
  uint16_t load_buffer(const std::vector<uint8_t>& bytes) {
    uint16_t bid = 0;
    PTNET_ASSERT(buffers_.pop(bid));
    PTNET_ASSERT(bytes.size() <= buffers_.size());
    std::memcpy(buffers_.data(bid), bytes.data(), bytes.size());
    return bid;
  }

  io::BackendKind kind() const override { return io::BackendKind::Epoll; }
  void accept_multishot(int fd, uint64_t ud) override {
    queue(FakeOp::Accept, fd, ud);
    armed_.push_back({fd, ud});
  }
  void recv_multishot(int fd, uint64_t ud) override {
    queue(FakeOp::Recv, fd, ud);
    armed_.push_back({fd, ud});
  }
  void send(int fd, const iovec* iov, unsigned n, uint64_t ud) override {
    FakeOp& op = queue(FakeOp::Send, fd, ud);
    for (unsigned i = 0; i < n; ++i) {
      const auto* p = static_cast<const uint8_t*>(iov[i].iov_base);
      op.bytes.insert(op.bytes.end(), p, p + iov[i].iov_len);
    }
    armed_.push_back({fd, ud});
  }
  unsigned max_iov() const override { return 64; }
  void shutdown_fd(int fd) override {
    queue(FakeOp::Shutdown, fd, 0);
    ::shutdown(fd, SHUT_RDWR);
    end_armed([&](const Armed& a) { return a.fd == fd; });
  }
  void cancel(int fd, uint64_t ud) override {
    queue(FakeOp::Cancel, fd, ud);
    end_armed([&](const Armed& a) { return a.ud == ud; });
  }
  void recvmsg_multishot(int fd, uint64_t ud) override {
    queue(FakeOp::Recv, fd, ud);
    armed_.push_back({fd, ud});
  }
  bool datagram(const io::Completion&, io::Datagram*) const override { return false; }
  void sendto(int fd, const uint8_t* data, uint32_t len, const SockAddr&, uint64_t ud) override {
    queue(FakeOp::Send, fd, ud).bytes.assign(data, data + len);
  }
  void release_buffer(uint16_t bid) override {
    buffers_.push(bid);
    std::lock_guard<std::mutex> lk(script_->mu_);
    script_->released_.push_back(bid);
  }

  int wait(io::Completion* out, int max, int64_t) override {
    std::vector<io::Completion> got = submit_and_wait();
    PTNET_ASSERT(int(got.size()) <= max);
    for (size_t i = 0; i < got.size(); ++i) {
      out[i] = got[i];
      if (!got[i].more) disarm(got[i].user_data);
    }
    return int(got.size());
  }

 private:
  struct Armed {
    int fd;
    uint64_t ud;
  };
  struct Queued {
    FakeOp op;
    ino_t ino;
  };

  static ino_t inode_of(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 ? st.st_ino : 0;
  }

  FakeOp& queue(FakeOp::Kind k, int fd, uint64_t ud) {
    queued_.push_back(Queued{FakeOp{k, fd, ud, {}, true}, inode_of(fd)});
    return queued_.back().op;
  }

  // Ends the armed operations `match` picks: their completions
  // (-ECANCELED, more = false) come with the next wait().
  template <class F>
  void end_armed(F match) {
    for (size_t i = 0; i < armed_.size();) {
      if (match(armed_[i])) {
        ended_.push_back(io::Completion{armed_[i].ud, -ECANCELED, 0, false, false});
        armed_[i] = armed_.back();
        armed_.pop_back();
      } else {
        ++i;
      }
    }
  }

  void disarm(uint64_t ud) {
    for (size_t i = 0; i < armed_.size(); ++i)
      if (armed_[i].ud == ud) {
        armed_[i] = armed_.back();
        armed_.pop_back();
        return;
      }
  }

  std::vector<io::Completion> submit_and_wait() {
    FakePass pass;
    int bad = 0;
    for (Queued& q : queued_) {
      // Shutdown and Cancel name the fd synchronously; what is submitted
      // here must still find the socket it was queued for.
      if (q.op.kind != FakeOp::Shutdown && q.op.kind != FakeOp::Cancel) {
        q.op.fd_ok_at_submit = q.ino != 0 && inode_of(q.op.fd) == q.ino;
        if (!q.op.fd_ok_at_submit) ++bad;
      }
      pass.ops.push_back(std::move(q.op));
    }
    queued_.clear();
    std::vector<io::Completion> out = std::move(ended_);
    ended_.clear();
    std::unique_lock<std::mutex> lk(script_->mu_);
    script_->bad_fd_ops_ += bad;
    if (script_->free_run_) {
      lk.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return out;
    }
    script_->passes_.push_back(std::move(pass));
    script_->cv_.notify_all();
    script_->cv_.wait(lk, [&] { return !script_->answers_.empty() || script_->free_run_; });
    if (!script_->answers_.empty()) {
      for (const io::Completion& c : script_->answers_.front()) out.push_back(c);
      script_->answers_.pop_front();
    }
    return out;
  }

  FakeScript* script_;
  std::vector<Queued> queued_;
  std::vector<Armed> armed_;
  std::vector<io::Completion> ended_;
};

}  // namespace ptnet::test
