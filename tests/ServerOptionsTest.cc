// ptnet-server's settings: precedence command line > environment > config
// file > default, and the combinations refused at start.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "app/ServerOptions.h"

namespace ptnet::app {
namespace {

class ServerOptionsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* v : {"PTNET_TCP_PORT", "PTNET_UDP_PORT", "PTNET_CHAT_RATE", "PTNET_CONFIG", "PTNET_TCP_HOST"}) unsetenv(v);
    std::remove(path_.c_str());
  }
  OptionsOutcome parse(std::vector<std::string> args) {
    args.insert(args.begin(), "ptnet-server");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    opt_ = ServerOptions{};
    return parse_server_options(int(argv.size()), argv.data(), &opt_);
  }
  void write_config(const std::string& text) { std::ofstream(path_) << text; }

  std::string path_ = "/tmp/ptnet-options-test-" + std::to_string(getpid()) + ".conf";
  ServerOptions opt_;
};

TEST_F(ServerOptionsTest, DefaultsAreTheDocumentedOnes) {
  ASSERT_TRUE(parse({}).run);
  EXPECT_EQ(opt_.tcp.port, 4000);
  EXPECT_EQ(opt_.rudp.port, 5000);
  EXPECT_TRUE(opt_.udp);
  EXPECT_FALSE(opt_.echo);
  EXPECT_EQ(opt_.tcp.max_frame, 64u * 1024);
  EXPECT_EQ(opt_.game.idle_timeout_ns, 30'000'000'000u);
}

TEST_F(ServerOptionsTest, CommandLineBeatsEnvironmentBeatsFileBeatsDefault) {
  write_config("tcp-port = 4100\nudp-port = 5100\nchat-rate = 1\necho = true\n");
  setenv("PTNET_UDP_PORT", "5200", 1);
  setenv("PTNET_CHAT_RATE", "2", 1);
  ASSERT_TRUE(parse({"--config", path_, "--chat-rate", "3"}).run);
  EXPECT_EQ(opt_.tcp.port, 4100);        // file over default
  EXPECT_EQ(opt_.rudp.port, 5200);       // environment over file
  EXPECT_DOUBLE_EQ(opt_.game.chat_rate, 3);  // command line over both
  EXPECT_TRUE(opt_.echo);
}

TEST_F(ServerOptionsTest, ConfigFileCanComeFromTheEnvironmentAndSeedHostNamesWork) {
  write_config("# a comment\n\ntcp-port 4300   # trailing comment\n");
  setenv("PTNET_CONFIG", path_.c_str(), 1);
  setenv("PTNET_TCP_HOST", "127.0.0.1", 1);
  ASSERT_TRUE(parse({}).run);
  EXPECT_EQ(opt_.tcp.port, 4300);
  EXPECT_EQ(opt_.tcp.host, "127.0.0.1");
  EXPECT_EQ(opt_.rudp.host, "127.0.0.1");
}

TEST_F(ServerOptionsTest, UnknownConfigKeyIsRefusedWithItsLine) {
  write_config("tcp-port = 1\nno-such-thing = 2\n");
  const OptionsOutcome r = parse({"--config", path_});
  EXPECT_FALSE(r.run);
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(ServerOptionsTest, BadValueFromTheEnvironmentIsRefused) {
  setenv("PTNET_TCP_PORT", "not-a-port", 1);
  const OptionsOutcome r = parse({});
  EXPECT_FALSE(r.run);
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(ServerOptionsTest, HeartbeatIntervalNotBelowIdleTimeoutIsRefused) {
  EXPECT_EQ(parse({"--heartbeat-interval", "30", "--idle-timeout", "30"}).exit_code, 2);
  EXPECT_TRUE(parse({"--heartbeat-interval", "5", "--idle-timeout", "30"}).run);
}

TEST_F(ServerOptionsTest, CpuOutsideTheAffinityMaskIsRefused) {
  EXPECT_EQ(parse({"--cpus", "1000"}).exit_code, 2);
  EXPECT_EQ(parse({"--cpus", "0,0"}).exit_code, 2);
}

TEST_F(ServerOptionsTest, SimFlagsTurnTheImpairmentOn) {
  ASSERT_TRUE(parse({"--sim-loss", "0.05", "--sim-delay", "2", "--sim-jitter", "1"}).run);
  EXPECT_TRUE(opt_.rudp.impair);
  EXPECT_DOUBLE_EQ(opt_.rudp.impairment.loss, 0.05);
  EXPECT_EQ(opt_.rudp.impairment.delay_ns, 2'000'000u);
  EXPECT_EQ(opt_.rudp.impairment.jitter_ns, 1'000'000u);
  ASSERT_TRUE(parse({}).run);
  EXPECT_FALSE(opt_.rudp.impair);
}

TEST_F(ServerOptionsTest, HelpAndPrintConfigExitZeroWithoutRunning) {
  testing::internal::CaptureStdout();
  const OptionsOutcome r = parse({"--print-config", "--tcp-port", "4400"});
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(r.run);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(out.find("tcp-port"), std::string::npos);
  EXPECT_NE(out.find("4400"), std::string::npos);
  EXPECT_NE(out.find("command line"), std::string::npos);
  testing::internal::CaptureStdout();
  EXPECT_EQ(parse({"--help"}).exit_code, 0);
  testing::internal::GetCapturedStdout();
}

}  // namespace
}  // namespace ptnet::app
