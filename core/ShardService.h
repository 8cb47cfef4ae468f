// Something that lives on a shard: the TCP server, later the UDP server and
// the game. Created on the shard's thread by the Engine's service factory,
// owned by the Shard, and called only on that thread.
//
// Graceful stop runs in phases: stop_accepting(), then the shard keeps
// looping until every service is drained() (queued output flushed) or the
// grace period ends, then close_all(), then it loops until closed().
#pragma once

namespace ptnet {

class Shard;

class ShardService {
 public:
  virtual ~ShardService() = default;
  // Returns 0, or a negated errno that aborts the engine start.
  virtual int start(Shard& shard) = 0;
  // Once per loop pass, after every completion of the pass was dispatched
  // (a service that batches what its completions brought processes it here).
  virtual void after_completions(Shard& shard) { (void)shard; }
  // Once per loop pass, right before the shard submits and sleeps.
  virtual void before_wait(Shard& shard) { (void)shard; }
  virtual void stop_accepting(Shard& shard) { (void)shard; }
  virtual bool drained(const Shard& shard) const { (void)shard; return true; }
  virtual void close_all(Shard& shard) { (void)shard; }
  virtual bool closed(const Shard& shard) const { (void)shard; return true; }
};

}  // namespace ptnet
