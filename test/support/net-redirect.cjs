// Preloaded into a cluster process by a fault test (`NODE_OPTIONS=--require <this file>`):
// outgoing TCP connections to the addresses in IM_TEST_NET_REDIRECT ("host:port=host:port,...")
// go to the second address instead. Kafka clients learn the broker's address from the broker
// itself, so a proxy in front of Kafka is only used if every connection is redirected like this.
'use strict';
const net = require('node:net');

const map = new Map(
  (process.env.IM_TEST_NET_REDIRECT || '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=')),
);

if (map.size > 0) {
  const original = net.connect;
  const redirected = function (...args) {
    const [first] = args;
    if (first && typeof first === 'object' && first.port !== undefined) {
      const to = map.get(`${first.host || 'localhost'}:${first.port}`);
      if (to) {
        const i = to.lastIndexOf(':');
        args[0] = { ...first, host: to.slice(0, i), port: Number(to.slice(i + 1)) };
      }
    }
    return original.apply(this, args);
  };
  net.connect = redirected;
  net.createConnection = redirected;
}
