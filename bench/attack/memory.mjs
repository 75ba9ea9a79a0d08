// Issue #12 item 3: memory pinned by slow clients. Prints the daemon's RSS
// before and during the attack, and what a fresh address gets meanwhile.
//   node bench/attack/memory.mjs bodies [ADDRESSES] [PER_ADDRESS]
//     each connection announces a 1 MiB body, sends half of it and waits
//   node bench/attack/memory.mjs media [CLIENTS]
//     each client asks for a 5 MB /media file and never reads the answer
// SPKIOSK_BIN picks the binary (default build/spkiosk).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDaemon, openFrom, rawStatus, rssMiB, sleep } from './conn-lib.mjs';

const mode = process.argv[2] ?? 'bodies';
const socks = [];
let tree;
if (mode === 'media') {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-attack-tree-'));
  fs.mkdirSync(path.join(tree, 'cat'));
  fs.writeFileSync(path.join(tree, 'cat', 'README.md'), '# 类\n\n说明。\n');
  fs.mkdirSync(path.join(tree, '_assets'));
  fs.writeFileSync(path.join(tree, '_assets', 'big.bin'), Buffer.alloc(5_000_000, 7));
}
const d = await startDaemon({ tree });
await sleep(500);
const before = rssMiB(d.pid);
let what;
if (mode === 'bodies') {
  const addresses = Number(process.argv[3] ?? 8);
  const per = Number(process.argv[4] ?? 128);
  const half = Buffer.alloc(512 * 1024, 0x61);
  await Promise.all(Array.from({ length: addresses * per }, async (_, i) => {
    const s = await openFrom(d.port, `127.0.0.${10 + (i % addresses)}`);
    if (!s) return;
    s.on('error', () => {});
    socks.push(s);
    s.write('POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${1 << 20}\r\n\r\n`);
    s.write(half);
  }));
  what = `${addresses} addresses × ${per} half-sent 1 MiB bodies`;
} else {
  const clients = Number(process.argv[3] ?? 240);
  await Promise.all(Array.from({ length: clients }, async (_, i) => {
    const s = await openFrom(d.port, `127.0.0.${10 + (i % 8)}`);
    if (!s) return;
    s.on('error', () => {});
    s.pause(); // never read: the answer stays in the daemon's hands
    socks.push(s);
    s.write('GET /media/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  }));
  what = `${clients} clients of a 5 MB /media file that never read`;
}
await sleep(5000);
const during = rssMiB(d.pid);
const fresh = await rawStatus(d.port, 'POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
  'Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close',
{ localAddress: '127.0.0.250', timeoutMs: 5000, body: '{}' });
console.log(`${mode}: ${what}: RSS ${before.toFixed(0)} MiB before, ${during.toFixed(0)} MiB during; ` +
  `a fresh address's small POST: ${fresh}`);
for (const s of socks) s.destroy();
await d.stop();
if (tree) fs.rmSync(tree, { recursive: true, force: true });
process.exit(0);
