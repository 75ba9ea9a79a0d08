#!/usr/bin/env node
// The ticket and queue flood of issue #12 item 1, by hand: a fresh daemon,
// then LOOPS concurrent loops creating, walking and handing in cases for
// SECONDS seconds from ADDRS client addresses (127.0.0.1 …), while two real
// residents use the kiosk from addresses of their own: A hands in before the
// flood starts, B starts with it and hands in halfway through. Prints the
// cases made, the status counts, where A and B stand in the staff queue view,
// and whom call-next calls.
//
//   node bench/attack/flood.mjs [--seconds 10] [--loops 8] [--addrs 1]
//        [--bin build/spkiosk] [-- extra serve options]
//
// Node 20 built-ins only; the daemon listens on 127.0.0.1:0 and the port is
// read back from its log.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const extra = dash >= 0 ? argv.slice(dash + 1) : [];
const opts = dash >= 0 ? argv.slice(0, dash) : argv;
const opt = (name, def) => {
  const i = opts.indexOf(`--${name}`);
  return i >= 0 ? opts[i + 1] : def;
};
const SECONDS = Number(opt('seconds', 10));
const LOOPS = Number(opt('loops', 8));
const ADDRS = Number(opt('addrs', 1));
const BIN = path.resolve(opt('bin', path.join(ROOT, 'build', 'spkiosk')));
const TREE = path.join(ROOT, 'tests', 'fixtures', 'cases', 'walk');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-flood-'));
const db = path.join(tmp, 'x.db');
const daemon = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db, '--procedures', TREE,
  ...extra], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
let out = '';
daemon.stdout.on('data', (d) => { out += d; });
const port = await new Promise((resolve, reject) => {
  daemon.stderr.on('data', (d) => {
    log += d;
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
    if (m) resolve(Number(m[1]));
  });
  daemon.on('exit', () => reject(new Error(`daemon exited:\n${log}`)));
});

const agents = new Map();
function agent(addr) {
  if (!agents.has(addr)) agents.set(addr, new http.Agent({ keepAlive: true, localAddress: addr }));
  return agents.get(addr);
}
// the daemon closes a connection idle for 30 s: a request on one it closed
// is sent again once, on a new connection
async function call(addr, method, p, body, headers = {}) {
  const r = await call1(addr, method, p, body, headers);
  return r.status === 0 ? call1(addr, method, p, body, headers) : r;
}
function call1(addr, method, p, body, headers = {}) {
  const data = body === undefined ? null : JSON.stringify(body);
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: p, agent: agent(addr),
      headers: { 'content-type': 'application/json', ...(data ? { 'content-length': Buffer.byteLength(data) } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, body: json, headers: res.headers });
      });
    });
    req.on('error', () => resolve({ status: 0 }));
    if (data) req.write(data);
    req.end();
  });
}

// a resident's whole walk: the case id and its ticket (null when refused)
async function walk(addr, counts) {
  const count = (what, r) => { const k = `${what} ${r.status}`; counts[k] = (counts[k] ?? 0) + 1; };
  const c = await call(addr, 'POST', '/api/v1/cases', { procedure: 'simple' });
  count('create', c);
  if (c.status !== 201) return null;
  const s = await call(addr, 'POST', `/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } });
  count('step', s);
  return c.body.id;
}
async function submit(addr, id, counts) {
  const r = await call(addr, 'POST', `/api/v1/cases/${id}/submit`, {});
  const k = `submit ${r.status}`;
  counts[k] = (counts[k] ?? 0) + 1;
  return r.status === 200 ? r.body.ticket : null;
}

// a staffer for the queue view and call-next
const pw = 'flood-staff-pass-1';
const u = spawnSync(BIN, ['user', 'add', 'flood', '--role', 'staff', '--db', db], { input: `${pw}\n` });
if (u.status !== 0) throw new Error(`user add: ${u.stderr}`);
const lg = await call('127.0.0.250', 'POST', '/api/v1/login', { name: 'flood', password: pw });
const cookie = /^(spk_session=[^;]+)/.exec(lg.headers['set-cookie']?.[0] ?? '')?.[1];
const staff = { Cookie: cookie, 'X-CSRF-Token': lg.body?.csrf };

const mine = {};
const idA = await walk('127.0.0.201', mine);
const ticketA = idA && await submit('127.0.0.201', idA, mine);

const counts = {};
let made = 0;
let handedIn = 0;
let tickets = 0;
const end = Date.now() + SECONDS * 1000;
const loops = [];
for (let i = 0; i < LOOPS; i++) {
  const addr = `127.0.0.${1 + (i % ADDRS)}`;
  loops.push((async () => {
    while (Date.now() < end) {
      const id = await walk(addr, counts);
      if (!id) continue;
      made++;
      const t = await submit(addr, id, counts);
      if (t) { handedIn++; tickets++; }
    }
  })());
}
// B starts with the flood and hands in halfway through, at a person's pace
const idB = await walk('127.0.0.202', mine);
await new Promise((r) => setTimeout(r, SECONDS * 500));
const ticketB = idB && await submit('127.0.0.202', idB, mine);
await Promise.all(loops);

const q = await call('127.0.0.250', 'GET', '/api/v1/staff/queue', undefined, staff);
const listed = q.body?.queue ?? [];
const at = (id) => listed.findIndex((e) => e.id === id);
const next = await call('127.0.0.250', 'POST', '/api/v1/staff/call-next', { window: '1' }, staff);
const called = next.body?.id ?? next.body?.case?.id ?? null;
const size = fs.statSync(db).size + (fs.existsSync(`${db}-wal`) ? fs.statSync(`${db}-wal`).size : 0);

const result = {
  seconds: SECONDS, loops: LOOPS, addresses: ADDRS,
  cases_made: made, per_second: Math.round(made / SECONDS), handed_in: handedIn,
  status_counts: counts,
  queue_view: q.status, queue_total: q.body?.total, queue_listed: listed.length,
  resident_A: { ticket: ticketA, place_in_view: at(idA) },
  resident_B: { ticket: ticketB, submit: Object.keys(mine).filter((k) => k.startsWith('submit')), place_in_view: at(idB) },
  call_next_calls_A: called === idA,
  db_bytes: size,
};
console.log(JSON.stringify(result, null, 1));

daemon.kill('SIGTERM');
await new Promise((r) => daemon.on('exit', r));
for (const a of agents.values()) a.destroy();
fs.rmSync(tmp, { recursive: true, force: true });
