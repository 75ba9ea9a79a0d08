// Search latency and throughput (issue #13), driven by bench/search.sh.
// Usage: node bench/search.mjs URL PID LOG
//  1. one client, uncached: before each round the daemon reloads (SIGHUP),
//     which publishes a new snapshot with an empty search cache; each query
//     is then asked once. Three rounds; the median per query.
//  2. one client, cached: the same queries twenty times each; the median.
//  3. 32 connections for 5 s each, side by side in one run: a procedure's
//     JSON, a repeated search (cached) and searches that are never repeated
//     (uncached). Requests/s and p99 latency.
import http from 'node:http';
import fs from 'node:fs';

const [url, pid, log] = process.argv.slice(2);
const QUERIES = ['证', '低保', '劳动', '社保', '身份证明', '残疾人证', 'dibao', 'db', 'shebao'];
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get(url + path, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      });
    }).on('error', reject);
  });
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const pct = (v, p) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * p))];
const loads = () => (fs.readFileSync(log, 'utf8').match(/\) in [0-9.]+ ms/g) || []).length;
const q = (s) => `/api/v1/procedures?q=${encodeURIComponent(s)}`;

async function reload() {
  const n = loads();
  process.kill(Number(pid), 'SIGHUP');
  while (loads() <= n) await new Promise((r) => setTimeout(r, 20));
}

const uncached = Object.fromEntries(QUERIES.map((s) => [s, []]));
for (let round = 0; round < 3; round++) {
  await reload();
  for (const s of QUERIES) uncached[s].push(await get(q(s)));
}
console.log('one client, uncached (median of 3, ms):');
for (const s of QUERIES) console.log(`  ${s}: ${median(uncached[s]).toFixed(2)}`);
console.log('one client, cached (median of 20, ms):');
for (const s of QUERIES) {
  const t = [];
  for (let i = 0; i < 20; i++) t.push(await get(q(s)));
  console.log(`  ${s}: ${median(t).toFixed(2)}`);
}

const list = JSON.parse(await new Promise((resolve, reject) => {
  http.get(`${url}/api/v1/procedures`, { agent }, (res) => {
    let b = '';
    res.setEncoding('utf8');
    res.on('data', (d) => { b += d; });
    res.on('end', () => resolve(b));
  }).on('error', reject);
}));
const id = list.procedures[0].id;

// 32 connections for secs seconds; next() gives each request's path
async function hammer(next, secs = 5) {
  const lat = [];
  const end = Date.now() + secs * 1000;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (Date.now() < end) lat.push(await get(next()));
  }));
  return { rate: lat.length / secs, p99: pct(lat, 0.99) };
}
// never-repeated searches: two characters of the common set, in turn
const CHARS = '证明办理申请社会保险低残疾人老年医疗户籍居住登记就业失业养老生育工伤救助补贴优抚退役军人计划';
let k = 0;
const fresh = () => {
  const a = CHARS[k % CHARS.length], b = CHARS[Math.floor(k / CHARS.length) % CHARS.length];
  k++;
  return q(a + b + (k >= CHARS.length * CHARS.length ? String(k) : ''));
};
await reload();
const runs = [
  ['procedure JSON', () => `/api/v1/procedures/${id}`],
  ['search 证 (repeated, cached)', () => q('证')],
  ['search, never repeated (uncached)', fresh],
];
console.log('32 connections, 5 s each:');
for (const [name, next] of runs) {
  const r = await hammer(next);
  console.log(`  ${name}: ${Math.round(r.rate)} req/s, p99 ${r.p99.toFixed(2)} ms`);
}
agent.destroy();
