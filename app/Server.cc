#include "app/Server.h"

#include <cstdio>

#include "base/Log.h"
#include "core/CpuSet.h"
#include "game/GameShard.h"
#include "game/RoomDirectory.h"
#include "rudp/RudpEchoHandler.h"
#include "rudp/RudpService.h"
#include "tcp/EchoHandler.h"
#include "tcp/TcpService.h"

namespace ptnet::app {

Server::Server(const ServerOptions& opt) : opt_(opt), tcp_(opt.tcp), engine_(opt.engine) {
  if (opt_.echo) tcp_.idle_timeout_ns = opt_.game.idle_timeout_ns;  // the game keeps its own
  if (!opt_.echo) {
    tcp_.detect_order = true;  // JSON (BE lengths) and binary (LE) on one port
    game_ = std::make_unique<game::GameServer>(opt_.game, game::RoomDirectory::kMaxShards);
  }
}

Server::~Server() { stop(); }

int Server::start() {
  return engine_.start([this](Shard& shard) { add_services(shard); });
}

// RudpService after TcpService: its before_wait() flushes last, so what TCP
// closes queue to RUDP peers in a pass leaves in that pass too.
void Server::add_services(Shard& shard) {
  if (game_ == nullptr) {
    shard.add_service(std::make_unique<tcp::TcpService>(tcp_, std::make_unique<tcp::EchoHandler>()));
    if (opt_.udp)
      shard.add_service(std::make_unique<rudp::RudpService>(opt_.rudp, std::make_unique<rudp::RudpEchoHandler>()));
    return;
  }
  std::unique_ptr<game::GameShard> shell = game_->make_handler(shard, tcp_.max_frame);
  game::GameShard& borrowed = *shell;
  shard.add_service(std::make_unique<tcp::TcpService>(tcp_, std::move(shell)));
  if (opt_.udp) shard.add_service(std::make_unique<rudp::RudpService>(opt_.rudp, borrowed));
}

uint16_t Server::tcp_port() const { return opt_.tcp.port != 0 ? opt_.tcp.port : tcp_.bound_port->load(); }

uint16_t Server::udp_port() const { return opt_.rudp.port != 0 ? opt_.rudp.port : opt_.rudp.bound_port->load(); }

void Server::announce() {
  std::vector<int> cpus;
  for (size_t i = 0; i < engine_.shard_count(); ++i) cpus.push_back(engine_.shard(i).cpu());
  PTNET_LOG_INFO("ptnet-server (%s) listening on %s:%u with %zu shard(s) on cpus %s, backend %s",
                 opt_.echo ? "echo" : "game", opt_.tcp.host.c_str(), tcp_port(), engine_.shard_count(),
                 CpuSet::format(cpus).c_str(), io::to_string(engine_.backend_kind()));
  if (opt_.udp) {
    PTNET_LOG_INFO("reliable UDP on %s:%u%s", opt_.rudp.host.c_str(), udp_port(),
                   opt_.rudp.impair ? " through a simulated bad link (--sim-*)" : "");
    std::printf("ptnet-server rudp on :%u\n", udp_port());
  }
  std::printf("ptnet-server listening on :%u\n", tcp_port());
  std::fflush(stdout);
}

void Server::stop() {
  engine_.request_stop();
  engine_.wait();
}

}  // namespace ptnet::app
