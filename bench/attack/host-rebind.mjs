// Issue #12, item 9: DNS rebinding. A page at http://evil.example:PORT/ whose
// name the attacker re-points at the hall's server reaches the daemon with
// Host: evil.example:PORT. Usage: node bench/attack/host-rebind.mjs [[LABEL=]BIN...]
// Prints the status of each request per binary (--host kiosk.hall given).
import { spawnSync } from 'node:child_process';
import { start, send, binaries, table } from './auth-lib.mjs';

// A build before the fix has no --host (and answers every name anyway).
const knowsHost = (bin) => /--host NAME/.test(spawnSync(bin, ['serve', '--help'], { encoding: 'utf8' }).stdout);

const bins = binaries();
const cases = [
  ['GET /api/v1/procedures', 'GET', '/api/v1/procedures', 'evil.example'],
  ['POST /api/v1/login', 'POST', '/api/v1/login', 'evil.example'],
  ['GET /staff', 'GET', '/staff', 'evil.example'],
  ['GET /api/v1/procedures', 'GET', '/api/v1/procedures', '127.0.0.1'],
  ['GET /api/v1/procedures', 'GET', '/api/v1/procedures', 'localhost'],
  ['GET /api/v1/procedures', 'GET', '/api/v1/procedures', 'kiosk.hall'],
];
const cols = [];
for (const { bin } of bins) {
  const d = await start(bin, knowsHost(bin) ? ['--host', 'kiosk.hall'] : []);
  try {
    const col = [];
    for (const [, method, p, host] of cases)
      col.push((await send(d.port, { method, path: p, body: method === 'POST' ? { name: 'x', password: 'y' } : null,
        headers: { Host: `${host}:${d.port}` } })).status);
    cols.push(col);
  } finally {
    await d.stop();
  }
}
table(['request', 'Host', ...bins.map((b) => b.label)], cases.map(([label, , , host], i) => [label, host, ...cols.map((c) => c[i])]));
