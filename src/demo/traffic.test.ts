import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DemoTraffic } from './traffic.js';

test('sends paced GETs to the URL until closed, never more than 10 in flight', async () => {
  const held: ServerResponse[] = [];
  let seen = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen++;
    assert.equal(req.url, '/demo-traffic');
    held.push(res); // never answered until the end: in-flight requests pile up to the bound
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const t = new DemoTraffic(`http://127.0.0.1:${port}/demo-traffic`, 50);
  t.start();
  const deadline = Date.now() + 5000;
  while (seen < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(seen, 10);
  assert.equal(t.sent, 10, 'the 11th waits for one of the 10 to finish');
  t.close();
  for (const res of held) res.end();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
