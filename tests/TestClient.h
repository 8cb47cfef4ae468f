// A blocking-with-deadlines TCP client for socket tests: every call takes a
// timeout, so a broken server fails a test instead of hanging it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ptnet::test {

class TestClient {
 public:
  TestClient() = default;
  ~TestClient();
  TestClient(TestClient&& o) noexcept;
  TestClient& operator=(TestClient&& o) noexcept;
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Connects to 127.0.0.1:port; false on failure (errno kept). A non-zero
  // rcvbuf sets SO_RCVBUF before the handshake, so the window is small from
  // the start (shrinking it later stalls TCP on persist timers).
  bool connect(uint16_t port, int timeout_ms = 2000, int rcvbuf = 0);
  int fd() const { return fd_; }
  void close();

  bool send_all(const void* data, size_t n, int timeout_ms = 5000);
  bool send_frame(const std::vector<uint8_t>& body, bool big_endian = false);
  // Reads one frame; false on timeout, EOF or error.
  bool recv_frame(std::vector<uint8_t>* body, int timeout_ms = 5000, bool big_endian = false);
  // Reads exactly n bytes.
  bool recv_exact(void* out, size_t n, int timeout_ms = 5000);
  // True when the peer closed (EOF or reset) within the timeout, discarding
  // any data that arrives first.
  bool wait_closed(int timeout_ms = 5000);

  static std::vector<uint8_t> frame(const std::vector<uint8_t>& body, bool big_endian = false);
  static std::vector<uint8_t> pattern(size_t n, uint32_t seed);

 private:
  int fd_ = -1;
};

}  // namespace ptnet::test
