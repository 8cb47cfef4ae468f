// What ptnet-load can do, as a table: a mode is a connection kind (how
// messages travel) plus a traffic pattern (what is sent, how it is checked
// and timed). LoadWorker<Link, Traffic> runs any pair on a shard, so a new
// mode is a row here, a CLI subcommand and (only for a new kind or pattern)
// one new class - never a new copy of the loop.
//
//   mode        link   traffic   today
//   echo        kTcp   kEcho     framed echo, closed or open loop
//   idle        kTcp   kIdle     one proof per connection (echo or login), then silence
//   chat        kTcp   kRoom     ChatMessage fan-out in rooms
//   move        kTcp   kRoom     PlayerMove relay in rooms
//   (next: rudp-echo = kRudp + kEcho, rudp-chat = kRudp + kRoom,
//    enet-echo = kEnet + kEcho; the same flags and JSON keys)
//
// Where the next kinds plug in: a RudpLink is a class with TcpLink's
// interface (start, pump, dispatch, flush, close/drop, shutdown_all, quiet;
// LinkPort for the traffic) over one UDP socket per worker (io::bind_udp,
// Backend::recvmsg_multishot / sendto), holding a rudp::Endpoint in the
// client role: Endpoint::connect per connection in pump(), on_connect ->
// Traffic::on_open, on_message -> Traffic::on_message, on_disconnect ->
// Traffic::on_lost; flush() splits the frames Traffic::fill wrote
// (MessageWriter) back into Endpoint::send calls, then Endpoint::flush; its
// deadlines join next_connect_event_ns(). --port is then the UDP port and
// --sim-* configure a rudp::LinkImpairment between the Endpoint and the
// socket. WorkerFactory gets one more `case LinkKind::kRudp`.
//
// Plain constant data; any thread may read it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace ptnet::load {

enum class Mode : uint8_t { kEcho, kIdle, kChat, kMove };

// How a worker's connections carry messages.
enum class LinkKind : uint8_t { kTcp };

// What a worker sends on its connections and how it checks what comes back.
enum class TrafficKind : uint8_t { kEcho, kIdle, kRoom };

struct ModeSpec {
  Mode mode;
  std::string_view name;  // the subcommand and the --mode value
  LinkKind link;
  TrafficKind traffic;
  std::string_view help;  // one line for `ptnet-load --help`
};

inline constexpr ModeSpec kModes[] = {
    {Mode::kEcho, "echo", LinkKind::kTcp, TrafficKind::kEcho,
     "msgs/s and latency of a framed-echo server ([u32 LE length][payload], echoed unchanged)"},
    {Mode::kIdle, "idle", LinkKind::kTcp, TrafficKind::kIdle,
     "hold --conns idle connections, each proved once by a Connect frame that an echo server returns or "
     "the game server admits; with --server-pid: server RSS per connection"},
    {Mode::kChat, "chat", LinkKind::kTcp, TrafficKind::kRoom,
     "game protocol: room chat, delivered to every member (sender included)"},
    {Mode::kMove, "move", LinkKind::kTcp, TrafficKind::kRoom,
     "game protocol: PlayerMove, relayed to the other members"},
};

constexpr bool modes_in_enum_order() {
  for (size_t i = 0; i < std::size(kModes); ++i)
    if (size_t(kModes[i].mode) != i) return false;
  return true;
}
static_assert(modes_in_enum_order(), "kModes[m] must describe Mode m");

inline const ModeSpec& mode_spec(Mode m) { return kModes[size_t(m)]; }

// The row named `name`, or nullptr.
inline const ModeSpec* find_mode(std::string_view name) {
  for (const ModeSpec& s : kModes)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace ptnet::load
