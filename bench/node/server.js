// Baseline B of bench/fanout.py: a minimal Node.js `ws` broadcast server.
//
// The pattern of the ws README ("broadcast to all connected clients"): each
// publish is relayed with client.send() to every subscriber, then acked. Same
// message flow as the broadcaster (hello on connect, a snapshot for subscribe,
// an ack per publish), no compression, no rules, no journal, no JSON parsing.
//
//   node bench/node/server.js      # prints "ready url=ws://127.0.0.1:PORT"
'use strict';

const { WebSocketServer, WebSocket } = require('ws');

const HELLO = '{"type":"hello","protocol":1,"server":"node-ws-baseline"}';
const SNAPSHOT = '{"type":"snapshot","seq":0,"games":[]}';
const ACK = '{"type":"ack"}';
const subscribers = new Set();

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  clientTracking: false,
  maxPayload: 64 * 1024,
});

wss.on('connection', (ws, req) => {
  ws.send(HELLO);
  if (req.url.startsWith('/publish')) {
    ws.on('message', (data, isBinary) => {
      for (const client of subscribers) {
        if (client.readyState === WebSocket.OPEN) {
          client.send(data, { binary: isBinary });
        }
      }
      ws.send(ACK);
    });
    return;
  }
  ws.on('message', () => {
    // any message subscribes
    subscribers.add(ws);
    ws.send(SNAPSHOT);
  });
  ws.on('close', () => subscribers.delete(ws));
});

wss.on('listening', () => {
  console.log(`ready url=ws://127.0.0.1:${wss.address().port}`);
});

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => process.exit(0));
}
