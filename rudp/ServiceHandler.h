// What an application plugs into a shard's RudpService: the endpoint's
// events and messages, plus attach(), called once in RudpService::start()
// with the service (whose endpoint() it sends through). Called on the
// shard's thread only.
#pragma once

#include "rudp/EndpointHandler.h"

namespace ptnet::rudp {

class RudpService;

class ServiceHandler : public EndpointHandler {
 public:
  virtual void attach(RudpService& service) { (void)service; }
};

}  // namespace ptnet::rudp
