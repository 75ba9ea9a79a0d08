// Issue #12 item 2: slow and idle connections from several addresses while a
// fresh address makes ordinary requests. Prints what the fresh address got.
//   node bench/attack/slow-conns.mjs [slow|idle] [ADDRESSES] [PER_ADDRESS] [SECONDS]
// slow: each connection sends a request line and then a header line every 2 s
// (slowloris); idle: each connection sends nothing. A closed attack
// connection is opened again at once, for the whole run. SPKIOSK_BIN picks
// the binary (default build/spkiosk).
import { startDaemon, openFrom, rawStatus, sleep, tally } from './conn-lib.mjs';

const mode = process.argv[2] ?? 'slow';
const addresses = Number(process.argv[3] ?? 10);
const per = Number(process.argv[4] ?? 128);
const seconds = Number(process.argv[5] ?? 30);

const d = await startDaemon();
let running = true;
let open = 0;
let closes = 0;

async function attacker(addr) {
  while (running) {
    const s = await openFrom(d.port, addr);
    if (!s) { await sleep(100); continue; }
    let drip = null;
    let held = false;
    const t = setTimeout(() => { held = true; open++; }, 1000);
    s.on('error', () => {});
    if (mode === 'slow') {
      s.write('GET /api/v1/procedures HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      drip = setInterval(() => s.write('X-Slow: 1\r\n'), 2000);
    }
    await new Promise((r) => s.on('close', r));
    clearInterval(drip);
    clearTimeout(t);
    if (held) open--;
    closes++;
    if (running) await sleep(100);
  }
}

const attackers = [];
for (let a = 0; a < addresses; a++)
  for (let j = 0; j < per; j++) attackers.push(attacker(`127.0.${1 + Math.floor(a / 200)}.${10 + (a % 200)}`));
await sleep(2000);
const results = [];
const gap = Math.max(100, ((seconds - 3) * 1000) / 20);
let peak = 0;
for (let i = 0; i < 20; i++) {
  peak = Math.max(peak, open);
  results.push(await rawStatus(d.port, 'GET /api/v1/categories HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close',
    { localAddress: '127.0.0.250', timeoutMs: 5000 }));
  await sleep(gap);
}
running = false;
console.log(`${mode}: ${addresses} addresses × ${per} connections, ${seconds} s; ` +
  `attack connections held over 1 s at most ${peak}, closed by the daemon ${closes}; ` +
  `fresh address, 20 requests: ${tally(results)}`);
await d.stop();
process.exit(0);
