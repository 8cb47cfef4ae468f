// ptnet-load: the load generator (see CommandLine.h for the modes, LoadRunner.h
// for a run, LoadWorker.h for what runs on each shard).
#include "bench/load/CommandLine.h"
#include "bench/load/LoadRunner.h"

int main(int argc, char** argv) {
  using ptnet::load::CommandLine;
  const CommandLine::Result cl = CommandLine::parse(argc, argv);
  if (!cl.run) return int(cl.exit);
  ptnet::load::LoadRunner runner(cl.options);
  return int(runner.run());
}
