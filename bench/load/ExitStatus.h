// ptnet-load's exit status, decided in one place per path (CommandLine,
// LoadRunner) and returned by main(). Plain value type.
#pragma once

namespace ptnet::load {

enum class ExitStatus : int {
  kOk = 0,      // the run completed without a single error (or --help)
  kErrors = 1,  // the run completed; errors were counted (see the errors line)
  kFailed = 2,  // usage error, setup failure, or the connections could not be made
};

}  // namespace ptnet::load
