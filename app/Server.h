// ptnet-server as an object: the engine, its services on every shard (TCP
// echo or game, reliable UDP) and the game state they share, started from
// ServerOptions and stopped gracefully.
//
// Threads: the main thread; the shards run on their own threads between
// start() and stop().
// Ownership: owns the Engine and the GameServer (which outlives the shards).
#pragma once

#include <memory>

#include "app/ServerOptions.h"
#include "core/Engine.h"
#include "game/GameServer.h"

namespace ptnet::app {

class Server {
 public:
  explicit Server(const ServerOptions& opt);
  ~Server();

  // Starts every shard; 0 or a negated errno (the shards logged why).
  int start();
  // The log line and the "listening on" lines scripts wait for.
  void announce();
  void stop();

  Engine& engine() { return engine_; }
  game::GameServer* game() { return game_.get(); }
  uint16_t tcp_port() const;
  uint16_t udp_port() const;

 private:
  void add_services(Shard& shard);

  ServerOptions opt_;
  tcp::TcpConfig tcp_;
  std::unique_ptr<game::GameServer> game_;
  Engine engine_;
};

}  // namespace ptnet::app
