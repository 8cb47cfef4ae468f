// Backend selection: auto falls back to epoll, loudly, when io_uring is off;
// an explicit --backend uring refuses instead of silently degrading.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "io/Backend.h"
#include "ptnet_config.h"

namespace ptnet::io {
namespace {

class BackendSelectTest : public ::testing::Test {
 protected:
  void TearDown() override { unsetenv("PTNET_DISABLE_IO_URING"); }
  BackendConfig cfg_ = [] {
    BackendConfig c;
    c.recv_buffers = 16;
    return c;
  }();
};

TEST_F(BackendSelectTest, AutoFallsBackToEpollWithAReasonWhenUringIsOff) {
  setenv("PTNET_DISABLE_IO_URING", "1", 1);
  std::string why;
  EXPECT_FALSE(uring_available(&why));
  EXPECT_FALSE(why.empty());
#if PTNET_HAVE_IO_URING
  EXPECT_NE(why.find("PTNET_DISABLE_IO_URING"), std::string::npos) << why;
#endif
  cfg_.kind = BackendKind::Auto;
  BackendResult r = make_backend(cfg_);
  ASSERT_NE(r.backend, nullptr);
  EXPECT_EQ(r.backend->kind(), BackendKind::Epoll);
  EXPECT_FALSE(r.fallback_reason.empty());
  EXPECT_NE(r.backend->description().find("epoll"), std::string::npos);
}

TEST_F(BackendSelectTest, ExplicitUringRefusesWhenUringIsOff) {
  setenv("PTNET_DISABLE_IO_URING", "1", 1);
  cfg_.kind = BackendKind::Uring;
  BackendResult r = make_backend(cfg_);
  EXPECT_EQ(r.backend, nullptr);
  EXPECT_LT(r.error, 0);
  EXPECT_FALSE(r.fallback_reason.empty());
}

TEST_F(BackendSelectTest, ExplicitEpollIsHonoured) {
  cfg_.kind = BackendKind::Epoll;
  BackendResult r = make_backend(cfg_);
  ASSERT_NE(r.backend, nullptr);
  EXPECT_EQ(r.backend->kind(), BackendKind::Epoll);
}

TEST_F(BackendSelectTest, AutoPicksUringWhereItWorks) {
  std::string why;
  if (!uring_available(&why)) GTEST_SKIP() << why;
  cfg_.kind = BackendKind::Auto;
  BackendResult r = make_backend(cfg_);
  ASSERT_NE(r.backend, nullptr);
  EXPECT_EQ(r.backend->kind(), BackendKind::Uring);
  EXPECT_NE(r.backend->description().find("io_uring"), std::string::npos);
}

}  // namespace
}  // namespace ptnet::io
