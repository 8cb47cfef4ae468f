#include "tests/rudp/SimNet.h"

#include <cstring>

namespace ptnet::rudp::test {

void RecordingHandler::on_connect(ConnId peer, const SockAddr& addr) {
  connects.emplace_back(peer, addr);
  if (on_conn) on_conn(peer);
}

void RecordingHandler::on_message(ConnId peer, Channel ch, const uint8_t* data, size_t len) {
  ++message_count;
  if (keep_messages) messages.push_back(Received{peer, ch, Bytes(data, data + len)});
  if (on_msg) on_msg(peer, ch, data, len);
}

void RecordingHandler::on_disconnect(ConnId peer, DisconnectReason why) { disconnects.emplace_back(peer, why); }

namespace {
bool addr_less(const SockAddr& a, const SockAddr& b) { return std::memcmp(&a, &b, sizeof a) < 0; }
}  // namespace

struct SimNet::Node : Transmitter {
  SimNet* net = nullptr;
  int index = 0;
  SockAddr addr;
  RecordingHandler handler;
  std::unique_ptr<LinkImpairment> link;
  std::unique_ptr<Endpoint> ep;
  uint8_t out[kMaxDatagram];
  std::vector<Bytes> inbox;
  std::vector<SockAddr> inbox_from;

  unsigned calls = 0;
  uint8_t* tx_buffer() override {
    if (net->refuse_tx_every != 0 && ++calls % net->refuse_tx_every == 0) return nullptr;
    return out;
  }
  void tx_commit(uint8_t* buf, size_t len, const SockAddr& to) override {
    if (net->tap) net->tap(index, buf, len, to);
    if (net->drop && net->drop(index, buf, len, to)) return;
    link->submit(buf, len, to, net->now_);
  }
};

// Releases a link's datagrams into the destination nodes' inboxes.
struct Deliverer : Transmitter {
  SimNet* net;
  SockAddr from;
  std::function<SimNet::Node*(const SockAddr&)> route;
  uint8_t buf[4096];
  uint8_t* tx_buffer() override { return buf; }
  void tx_commit(uint8_t* b, size_t len, const SockAddr& to) override;
};

SimNet::SimNet(uint64_t start_ns) : unrouted_by_addr(&addr_less), now_(start_ns) {}
SimNet::~SimNet() = default;

SockAddr SimNet::make_addr(uint8_t host, uint16_t port) {
  SockAddr a;
  a.family = AF_INET;
  a.port = port;
  a.ip[0] = 10;
  a.ip[3] = host;
  return a;
}

int SimNet::add(const EndpointConfig& cfg, const LinkImpairmentConfig& egress, uint16_t port) {
  auto n = std::make_unique<Node>();
  n->net = this;
  n->index = int(nodes_.size());
  n->addr = make_addr(uint8_t(nodes_.size() + 1), port);
  n->link = std::make_unique<LinkImpairment>(egress);
  n->ep = std::make_unique<Endpoint>(cfg, *n, n->handler);
  nodes_.push_back(std::move(n));
  return int(nodes_.size()) - 1;
}

void SimNet::restart(int i, const EndpointConfig& cfg) {
  Node& n = *nodes_[size_t(i)];
  n.ep.reset();
  n.handler = RecordingHandler{};
  n.ep = std::make_unique<Endpoint>(cfg, n, n.handler);
}

Endpoint& SimNet::ep(int i) { return *nodes_[size_t(i)]->ep; }
RecordingHandler& SimNet::handler(int i) { return nodes_[size_t(i)]->handler; }
LinkImpairment& SimNet::link(int i) { return *nodes_[size_t(i)]->link; }
const SockAddr& SimNet::addr(int i) const { return nodes_[size_t(i)]->addr; }

SimNet::Node* SimNet::route(const SockAddr& to) {
  for (auto& n : nodes_) {
    if (n->addr == to) return n.get();
  }
  return nullptr;
}

void SimNet::inject(int to, const uint8_t* data, size_t len, const SockAddr& from) {
  Node& n = *nodes_[size_t(to)];
  n.inbox.emplace_back(data, data + len);
  n.inbox_from.push_back(from);
}

void Deliverer::tx_commit(uint8_t* b, size_t len, const SockAddr& to) {
  SimNet::Node* n = route(to);
  if (n == nullptr) {
    net->unrouted_bytes += len;
    net->unrouted_by_addr[to] += len;
    return;
  }
  n->inbox.emplace_back(b, b + len);
  n->inbox_from.push_back(from);
}

void SimNet::step() {
  for (auto& n : nodes_) {
    Deliverer d;
    d.net = this;
    d.from = n->addr;
    d.route = [this](const SockAddr& a) { return route(a); };
    n->link->poll(now_, d);
  }
  for (auto& n : nodes_) {
    if (n->inbox.empty()) continue;
    std::vector<RxDatagram> burst;
    for (size_t i = 0; i < n->inbox.size(); ++i) {
      burst.push_back(RxDatagram{n->inbox[i].data(), uint32_t(n->inbox[i].size()), n->inbox_from[i]});
    }
    std::vector<Bytes> keep = std::move(n->inbox);
    n->inbox.clear();
    n->inbox_from.clear();
    n->ep->receive(burst.data(), burst.size(), now_);
  }
  for (auto& n : nodes_) {
    if (n->ep->next_deadline_ns() <= now_) n->ep->on_timer(now_);
    n->ep->flush(now_);
  }
}

uint64_t SimNet::next_event() const {
  uint64_t t = UINT64_MAX;
  for (auto& n : nodes_) {
    if (!n->inbox.empty()) return now_;
    t = std::min(t, n->link->next_release_ns());
    t = std::min(t, n->ep->next_deadline_ns());
  }
  return t;
}

bool SimNet::run_until(const std::function<bool()>& pred, uint64_t max_ns) {
  const uint64_t end = now_ + max_ns;
  for (;;) {
    step();
    if (pred()) return true;
    uint64_t t = next_event();
    if (t <= now_) t = now_ + 1000;  // same-instant work: a microsecond later
    if (t > end) {
      now_ = end;
      step();
      return pred();
    }
    now_ = t;
  }
}

void SimNet::run_for(uint64_t ns) {
  run_until([] { return false; }, ns);
}

ConnId SimNet::connect(int c, int s, uint64_t max_ns) {
  const size_t cc = handler(c).connects.size();
  const size_t sc = handler(s).connects.size();
  const ConnId id = ep(c).connect(addr(s), now_);
  if (!id.valid()) return id;
  const bool ok = run_until([&] { return handler(c).connects.size() > cc && handler(s).connects.size() > sc; },
                            max_ns);
  return ok ? id : ConnId{};
}

}  // namespace ptnet::rudp::test
