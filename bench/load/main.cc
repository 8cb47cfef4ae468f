// ptnet-load: the load generator for framed-echo servers (see LoadRunner).
#include "LoadOptions.h"
#include "LoadRunner.h"

int main(int argc, char** argv) {
  ptnet::load::LoadOptions opts;
  const int rc = ptnet::load::LoadOptions::parse(argc, argv, opts);
  if (rc >= 0) return rc;
  ptnet::load::LoadRunner runner(opts);
  return runner.run();
}
