// ptnet-load's command line (bench/load/CommandLine): `--mode X` mapped to the
// subcommand X, defaults, each mode taking only its own options, per-mode
// ranges, the two cross-flag limits, and exit codes.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "bench/load/CommandLine.h"
#include "core/CpuSet.h"

namespace ptnet::load {
namespace {

struct Argv {
  explicit Argv(std::initializer_list<const char*> args) {
    ptrs.push_back("ptnet-load");
    for (const char* a : args) ptrs.push_back(a);
  }
  int argc() const { return int(ptrs.size()); }
  std::vector<const char*> ptrs;
};

CommandLine::Result parse(std::initializer_list<const char*> args) {
  const Argv a(args);
  return CommandLine::parse(a.argc(), a.ptrs.data());
}

std::vector<std::string> placed(std::initializer_list<const char*> args) {
  const Argv a(args);
  const CommandLine::ModeArgs m = CommandLine::place_mode(a.argc(), a.ptrs.data());
  EXPECT_EQ(m.error, "");
  return m.args;
}

bool refused(std::initializer_list<const char*> args) {
  const CommandLine::Result r = parse(args);
  return !r.run && r.exit == ExitStatus::kFailed;
}

using Args = std::vector<std::string>;

TEST(LoadCommandLineTest, ModeFlagBecomesTheSubcommandWherever) {
  EXPECT_EQ(placed({"--mode", "chat", "--users", "5"}), (Args{"chat", "--users", "5"}));
  EXPECT_EQ(placed({"--users", "5", "--mode", "chat"}), (Args{"chat", "--users", "5"}));
  EXPECT_EQ(placed({"--mode=idle", "--conns", "9"}), (Args{"idle", "--conns", "9"}));
  EXPECT_EQ(placed({"move", "--users", "5"}), (Args{"move", "--users", "5"}));
  EXPECT_EQ(placed({"chat", "--mode", "chat"}), (Args{"chat"}));
}

TEST(LoadCommandLineTest, NoModeMeansEchoUnlessHelpIsAskedFor) {
  EXPECT_EQ(placed({"--conns", "5"}), (Args{"echo", "--conns", "5"}));
  EXPECT_EQ(placed({}), (Args{"echo"}));
  EXPECT_EQ(placed({"--help"}), (Args{"--help"}));
}

TEST(LoadCommandLineTest, UnknownOrContradictoryModeIsAUsageError) {
  const Argv unknown({"--mode", "rudp-echo"});
  EXPECT_NE(CommandLine::place_mode(unknown.argc(), unknown.ptrs.data()).error, "");
  const Argv two({"chat", "--mode", "echo"});
  EXPECT_NE(CommandLine::place_mode(two.argc(), two.ptrs.data()).error, "");
  EXPECT_TRUE(refused({"--mode", "rudp-echo"}));
  EXPECT_TRUE(refused({"chat", "--mode", "move"}));
}

TEST(LoadCommandLineTest, EchoDefaults) {
  const CommandLine::Result r = parse({});
  ASSERT_TRUE(r.run);
  const LoadOptions& o = r.options;
  EXPECT_EQ(o.mode, Mode::kEcho);
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 4000);
  EXPECT_EQ(o.conns, 100u);
  EXPECT_EQ(o.depth, 1u);
  EXPECT_EQ(o.size, 64u);
  EXPECT_EQ(o.rate, 0.0);
  EXPECT_EQ(o.duration_s, 10.0);
  EXPECT_EQ(o.warmup_s, 1.0);
  EXPECT_EQ(o.backend, io::BackendKind::Auto);
  EXPECT_FALSE(o.json);
  EXPECT_EQ(o.server_pid, 0);
  EXPECT_EQ(o.cpus, CpuSet::affinity());
  EXPECT_EQ(o.threads, std::min<uint32_t>(uint32_t(o.cpus.size()), o.conns));
}

TEST(LoadCommandLineTest, ValuesLandInTheOptions) {
  const CommandLine::Result r =
      parse({"--mode", "echo", "--conns", "7", "--depth", "16", "--size", "100", "--rate", "5000", "--duration",
             "4", "--warmup", "0.5", "--backend", "epoll", "--json", "--quiet", "--server-pid", "1", "--port", "4100"});
  ASSERT_TRUE(r.run);
  const LoadOptions& o = r.options;
  EXPECT_EQ(o.conns, 7u);
  EXPECT_EQ(o.depth, 16u);
  EXPECT_EQ(o.size, 100u);
  EXPECT_EQ(o.rate, 5000.0);
  EXPECT_EQ(o.duration_s, 4.0);
  EXPECT_EQ(o.warmup_s, 0.5);
  EXPECT_EQ(o.backend, io::BackendKind::Epoll);
  EXPECT_TRUE(o.json);
  EXPECT_TRUE(o.quiet);
  EXPECT_EQ(o.server_pid, 1);
  EXPECT_EQ(ntohs(o.addr.sin_port), 4100);
  EXPECT_LE(o.threads, 7u);
}

TEST(LoadCommandLineTest, RoomModesCountUsersAsConnections) {
  CommandLine::Result r = parse({"--mode", "chat", "--users", "300", "--room-size", "30", "--encoding", "json"});
  ASSERT_TRUE(r.run);
  EXPECT_EQ(r.options.mode, Mode::kChat);
  EXPECT_EQ(r.options.conns, 300u);
  EXPECT_EQ(r.options.rooms(), 10u);
  EXPECT_EQ(r.options.encoding, GameEncoding::kJson);
  EXPECT_EQ(r.options.rate, 0.0);
  r = parse({"move", "--users", "50"});
  ASSERT_TRUE(r.run);
  EXPECT_EQ(r.options.rate, 20.0 * 50);  // move: 20 msgs/s per user unless --rate
  EXPECT_TRUE(r.options.game());
}

TEST(LoadCommandLineTest, EachModeTakesOnlyItsOwnOptions) {
  EXPECT_TRUE(refused({"--mode", "chat", "--conns", "5"}));
  EXPECT_TRUE(refused({"--mode", "move", "--depth", "2"}));
  EXPECT_TRUE(refused({"--mode", "move", "--size", "64"}));
  EXPECT_TRUE(refused({"--mode", "echo", "--users", "5"}));
  EXPECT_TRUE(refused({"--mode", "echo", "--room-size", "5"}));
  EXPECT_TRUE(refused({"--mode", "idle", "--depth", "2"}));
  EXPECT_TRUE(refused({"--mode", "idle", "--rate", "100"}));
  EXPECT_TRUE(refused({"--mode", "idle", "--size", "64"}));  // the proof is a fixed Connect frame
  EXPECT_TRUE(refused({"--no-such-flag"}));
}

TEST(LoadCommandLineTest, SizeRangeDependsOnTheMode) {
  EXPECT_TRUE(refused({"--size", "23"}));  // echo: conn + seq + time + 4 pattern bytes
  EXPECT_TRUE(parse({"--size", "24"}).run);
  EXPECT_TRUE(refused({"chat", "--size", "35"}));  // chat: the "s=..;t=..;" text
  EXPECT_TRUE(parse({"chat", "--size", "36"}).run);
  EXPECT_TRUE(refused({"chat", "--size", "60001"}));
}

TEST(LoadCommandLineTest, RangesAreChecked) {
  EXPECT_TRUE(refused({"--conns", "0"}));
  EXPECT_TRUE(refused({"--depth", "0"}));
  EXPECT_TRUE(refused({"--rate", "0.0001"}));  // neither closed loop nor a usable rate
  EXPECT_TRUE(refused({"--rate", "-1"}));
  EXPECT_TRUE(refused({"--duration", "0"}));
  EXPECT_TRUE(refused({"--backend", "kqueue"}));
  EXPECT_TRUE(refused({"chat", "--encoding", "xml"}));
  EXPECT_TRUE(refused({"--port", "70000"}));
  EXPECT_TRUE(refused({"--cpus", "1-0"}));
  EXPECT_TRUE(refused({"--cpus", "4095"}));  // not in the affinity mask
}

TEST(LoadCommandLineTest, CrossFlagLimits) {
  EXPECT_TRUE(refused({"chat", "--user-base", "4294967295", "--users", "2"}));
  EXPECT_TRUE(parse({"chat", "--user-base", "4294967294", "--users", "2", "--room-size", "2"}).run);
  EXPECT_TRUE(refused({"chat", "--users", "1000000", "--room-size", "1000"}));  // 1e9 member pairs
  EXPECT_TRUE(refused({"idle", "--user-base", "4294967000", "--conns", "1000"}));
  EXPECT_TRUE(parse({"idle", "--user-base", "4294967000", "--conns", "296"}).run);
}

TEST(LoadCommandLineTest, ThreadsAreCappedByConnections) {
  const CommandLine::Result r = parse({"--conns", "2", "--threads", "8"});
  ASSERT_TRUE(r.run);
  EXPECT_EQ(r.options.threads, 2u);
}

TEST(LoadCommandLineTest, HelpExitsZeroWithoutRunning) {
  for (auto args : {std::initializer_list<const char*>{"--help"}, {"chat", "--help"}, {"--mode", "idle", "-h"}}) {
    const CommandLine::Result r = parse(args);
    EXPECT_FALSE(r.run);
    EXPECT_EQ(r.exit, ExitStatus::kOk);
  }
}

}  // namespace
}  // namespace ptnet::load
