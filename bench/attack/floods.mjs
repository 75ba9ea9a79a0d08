#!/usr/bin/env node
// Issue #12 item 15: floods with figures (docs/reliability.md §15). For each
// attack — none (baseline), slowloris, slow body, slow read (slowhttptest
// -H/-B/-X) and a many-address flood — a fresh daemon, the attack from
// attacker addresses, and at the same time ordinary traffic from a fresh
// address (127.0.0.200) at a steady rate: kiosk reads (a procedure's JSON,
// the kiosk page, the list) and a case's steps (create, a step, submit),
// each on a new connection. Every latency and every refusal is recorded;
// prints one row per attack (medians over the rounds); --json FILE keeps each run.
//
//   node bench/attack/floods.mjs [--rounds 3] [--seconds 6] [--warm 2] [--rate 40]
//        [--only slowloris,slowread] [--quota default|AB/AH,OB/OH] [--serve 'OPTIONS']
//        [--json FILE]
// FLOOD_ADDRS, FLOOD_FAST, FLOOD_HOLD, FLOOD_POST (environment) size the
// many-address flood: addresses (60), request loops per address (4), idle or
// half-open sockets per address (40), a case every Nth request (10; 0: none).
//
// slowhttptest cannot choose its source address: it runs under the
// LD_PRELOAD shim bench/attack/srcaddr.c (built here into the temp folder),
// which binds its connections to 127.0.0.10 … 127.0.0.59 in turn, so it is 50
// clients and not one held to --max-per-address. The attackers run at nice 10:
// on a real network their CPU is not the daemon's; the daemon and the fresh
// address's client are not niced. SPKIOSK_BIN picks the binary.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startDaemon, sleep } from './conn-lib.mjs';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const ROUNDS = Number(opt('rounds', 3));
const SECONDS = Number(opt('seconds', 6));
const WARM = Number(opt('warm', 2));
const RATE = Number(opt('rate', 40));         // fresh-address operations a second
const ONLY = opt('only', '');
const JSON_OUT = opt('json', '');
const FRESH = '127.0.0.200';
// the quota of cases is not what is measured here (§1 measures it)
// (--quota default: the daemon's own, under which a flood of cases from many
// addresses empties the overall bucket and the fresh address's cases get 429)
const QUOTA = opt('quota', '100000/1000000,100000/1000000');
const SERVE = [...(QUOTA === 'default' ? [] : ['--case-quota', QUOTA]),
  ...opt('serve', '').split(' ').filter(Boolean)];
const ATTACKERS = { first: '127.0.0.10', count: 50 };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-floods-'));
const shim = path.join(work, 'srcaddr.so');
// the walk fixture (its procedure "simple" is the case walked) and a 5 MB
// media file for the slow read: the largest answer a kiosk serves is media
const TREE = path.join(work, 'tree');
if (argv[0] !== '--flood') {
  fs.cpSync(path.join(ROOT, 'tests', 'fixtures', 'cases', 'walk'), TREE, { recursive: true });
  fs.mkdirSync(path.join(TREE, '_assets'));
  fs.writeFileSync(path.join(TREE, '_assets', 'big.png'), Buffer.alloc(5_000_000, 7));
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', shim,
    path.join(ROOT, 'bench', 'attack', 'srcaddr.c'), '-ldl'], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cc srcaddr.c: ${cc.stderr}`);
}

// ---- the fresh address's ordinary traffic --------------------------------

// One request on a new connection from FRESH: {ms, status, body} with
// status 0 for a refusal (reset, closed, 5 s without an answer).
function call(port, method, p, body) {
  const data = body === undefined ? null : JSON.stringify(body);
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    let done = false;
    const finish = (status, text) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      let json;
      try { json = JSON.parse(text); } catch { json = undefined; }
      resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status, body: json });
    };
    const req = http.request({
      host: '127.0.0.1', port, method, path: p, agent: false, localAddress: FRESH,
      headers: { connection: 'close', ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => finish(res.statusCode, text));
      res.on('error', () => finish(0, ''));
    });
    const timer = setTimeout(() => { req.destroy(); finish(0, ''); }, 5000);
    req.on('error', () => finish(0, ''));
    if (data) req.write(data);
    req.end();
  });
}

// Operations started on a fixed schedule (open loop: a slow answer does not
// delay the next start), cycling through three reads and one case walk.
async function measure(port, seconds) {
  const samples = [];   // {kind, ms, ok}
  const record = (kind, r, want) => { samples.push({ kind, ms: r.ms, ok: r.status === want, status: r.status }); return r; };
  const ops = [
    async () => record('read', await call(port, 'GET', '/api/v1/procedures/simple'), 200),
    async () => record('read', await call(port, 'GET', '/'), 200),
    async () => record('read', await call(port, 'GET', '/api/v1/procedures'), 200),
    async () => {
      const c = record('step', await call(port, 'POST', '/api/v1/cases', { procedure: 'simple' }), 201);
      if (c.status !== 201) return;
      const s = record('step', await call(port, 'POST', `/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } }), 200);
      if (s.status !== 200) return;
      record('step', await call(port, 'POST', `/api/v1/cases/${c.body.id}/submit`, {}), 200);
    },
  ];
  const running = [];
  const start = Date.now();
  for (let i = 0; Date.now() - start < seconds * 1000; i++) {
    running.push(ops[i % ops.length]());
    const next = start + ((i + 1) * 1000) / RATE;
    await sleep(Math.max(0, next - Date.now()));
  }
  await Promise.all(running);
  return samples;
}

function pct(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
function summary(samples) {
  const ms = (k) => samples.filter((s) => !k || s.kind === k).map((s) => s.ms).sort((a, b) => a - b);
  const all = ms();
  const failed = samples.filter((s) => !s.ok);
  const codes = {};
  for (const f of failed) codes[f.status] = (codes[f.status] ?? 0) + 1;
  return {
    requests: samples.length, p50: pct(all, 50), p99: pct(all, 99), max: all[all.length - 1],
    p99_read: pct(ms('read'), 99), p99_step: pct(ms('step'), 99), failed: failed.length, failed_codes: codes,
  };
}

// ---- the attacks ----------------------------------------------------------

// slowhttptest under the shim; resolves its figures from the CSV it writes
// each second (seconds, closed, pending, connected, service available).
function slowhttptest(mode, port, seconds) {
  const prefix = path.join(work, `sht-${mode}-${Date.now()}`);
  const common = ['-g', '-o', prefix, '-c', '4000', '-r', '1000', '-l', String(seconds), '-p', '3'];
  const args = {
    // a header line every 2 s on each connection
    slowloris: ['-H', '-i', '2', '-u', `http://127.0.0.1:${port}/api/v1/procedures`],
    // a POST announcing 8 KiB of JSON, a few bytes of it every 2 s
    slowbody: ['-B', '-i', '2', '-s', '8192', '-f', 'application/json', '-u', `http://127.0.0.1:${port}/api/v1/cases`],
    // a 5 MB media file asked three times on each connection, read 4 bytes
    // at a time every 2 s through a receive window of 1–16 bytes
    slowread: ['-X', '-k', '3', '-n', '2', '-z', '4', '-w', '1', '-y', '16', '-u', `http://127.0.0.1:${port}/media/big.png`],
  }[mode];
  const proc = spawn('nice', ['-n', '10', 'slowhttptest', ...common, ...args], {
    env: { ...process.env, LD_PRELOAD: shim, SPK_SRC_FIRST: ATTACKERS.first, SPK_SRC_COUNT: String(ATTACKERS.count) },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise((r) => proc.on('exit', r));
  return {
    pid: proc.pid,
    stop: async () => {
      proc.kill('SIGINT');
      const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
      let rows = [];
      try {
        rows = fs.readFileSync(`${prefix}.csv`, 'utf8').trim().split('\n').slice(1)
          .map((l) => l.split(',').map(Number));
      } catch { /* no CSV: no figures */ }
      const col = (i) => rows.map((r) => r[i]).filter((v) => !Number.isNaN(v));
      const connected = col(3);
      const closed = col(1);
      return {
        held_max: connected.length ? Math.max(...connected) : null,
        closed: closed.length ? closed[closed.length - 1] : null,
        // slowhttptest's own probe (from 127.0.0.1, a held address) saw the service down
        probe_down_s: rows.filter((r) => r[4] === 0).length,
      };
    },
  };
}

// The many-address flood runs in a child (this same file, --flood) so that
// its event loop is not the one timing the fresh address.
function manyFlood(port, seconds) {
  const proc = spawn('nice', ['-n', '10', process.execPath, process.argv[1], '--flood', String(port), String(seconds)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  const exited = new Promise((r) => proc.on('exit', r));
  return {
    pid: proc.pid,
    stop: async () => {
      await exited;
      try { return JSON.parse(out); } catch { return { error: out.slice(0, 200) }; }
    },
  };
}

// The child: ADDRS addresses, each with FAST keep-alive loops making requests
// as fast as they are answered (reads, and a case now and then) and HOLD
// sockets idle or half-open (a partial request line), opened again when closed.
async function floodChild(port, seconds) {
  const ADDRS = Number(process.env.FLOOD_ADDRS ?? 60);
  const FAST = Number(process.env.FLOOD_FAST ?? 4);
  const HOLD = Number(process.env.FLOOD_HOLD ?? 40);
  const POST = Number(process.env.FLOOD_POST ?? 10);   // a case every POST-th request
  let running = true;
  const counts = {};
  let held = 0;
  let heldMax = 0;
  let reopened = 0;
  const stopAt = Date.now() + seconds * 1000;
  const agents = [];
  const hit = (k) => { counts[k] = (counts[k] ?? 0) + 1; };
  function req(agent, method, p, body) {
    return new Promise((resolve) => {
      const data = body === undefined ? null : JSON.stringify(body);
      const r = http.request({ host: '127.0.0.1', port, method, path: p, agent,
        headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, (res) => {
        res.resume();
        res.on('end', () => { hit(res.statusCode); resolve(); });
        res.on('error', () => { hit('error'); resolve(); });
      });
      r.setTimeout(5000, () => r.destroy());
      r.on('error', () => { hit('refused'); setTimeout(resolve, 50); });
      if (data) r.write(data);
      r.end();
    });
  }
  async function fast(agent) {
    const paths = ['/api/v1/procedures', '/api/v1/procedures/simple', '/', '/api/v1/categories'];
    for (let i = 0; running; i++) {
      if (POST > 0 && i % POST === POST - 1) await req(agent, 'POST', '/api/v1/cases', { procedure: 'simple' });
      else await req(agent, 'GET', paths[i % paths.length]);
    }
  }
  async function hold(addr, half) {
    while (running) {
      const s = await new Promise((resolve) => {
        const c = net.connect({ port, host: '127.0.0.1', localAddress: addr });
        c.on('connect', () => resolve(c));
        c.on('error', () => resolve(null));
      });
      if (!s) { await sleep(200); continue; }
      s.on('error', () => {});
      if (half) s.write('GET /api/v1/procedures HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      held++;
      heldMax = Math.max(heldMax, held);
      await new Promise((r) => { s.on('close', r); setTimeout(() => { s.destroy(); }, Math.max(0, stopAt - Date.now())); });
      held--;
      if (running) { reopened++; await sleep(100); }
    }
  }
  const jobs = [];
  for (let a = 0; a < ADDRS; a++) {
    const addr = `127.0.0.${10 + a}`;
    const agent = new http.Agent({ keepAlive: true, localAddress: addr, maxSockets: FAST });
    agents.push(agent);
    for (let j = 0; j < FAST; j++) jobs.push(fast(agent));
    for (let j = 0; j < HOLD; j++) jobs.push(hold(addr, j % 2 === 1));
  }
  await sleep(seconds * 1000);
  running = false;
  await Promise.all(jobs);
  for (const a of agents) a.destroy();
  const requests = Object.entries(counts).filter(([k]) => /^\d+$/.test(k)).reduce((n, [, v]) => n + v, 0);
  process.stdout.write(JSON.stringify({
    addresses: ADDRS, loops: ADDRS * FAST, sockets_held: ADDRS * HOLD,
    requests, per_second: Math.round(requests / seconds), statuses: counts,
    held_max: heldMax, closed: reopened,
  }));
}

// ---- one run of one attack ------------------------------------------------

const ATTACKS = ['baseline', 'slowloris', 'slowbody', 'slowread', 'many'];

async function runOne(attack) {
  const d = await startDaemon({ tree: TREE, args: SERVE });
  const total = WARM + SECONDS + 1;
  let a = null;
  if (attack === 'many') a = manyFlood(d.port, total);
  else if (attack !== 'baseline') a = slowhttptest(attack, d.port, total + 2);
  await sleep(WARM * 1000);
  const load = os.loadavg()[0];
  const cpu0 = [cpuSeconds(d.pid), a?.pid ? cpuSeconds(a.pid) : NaN];
  const samples = await measure(d.port, SECONDS);
  const cpu = [cpuSeconds(d.pid) - cpu0[0], (a?.pid ? cpuSeconds(a.pid) : NaN) - cpu0[1]].map((c) => c / SECONDS);
  const fig = a ? await a.stop() : {};
  // the daemon's own count of what it closed (§2 log lines, counts only)
  let late = 0;
  let room = 0;
  for (const m of d.log().matchAll(/closed (\d+) connection\(s\) too slow.*?, (\d+) idle/g)) {
    late += Number(m[1]);
    room += Number(m[2]);
  }
  await d.stop();
  return { attack, load1: load, cpu_daemon: cpu[0], cpu_attacker: cpu[1], ...summary(samples), attack_figures: fig, daemon_closed: { late, room } };
}

// CPU seconds (user + system) a process has used so far.
function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch { return NaN; }
}

function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
}

async function main() {
  const want = ONLY ? ONLY.split(',') : ATTACKS;
  const runs = [];
  for (let r = 0; r < ROUNDS; r++)
    for (const attack of ATTACKS.filter((x) => want.includes(x))) {
      const one = await runOne(attack);
      one.round = r + 1;
      runs.push(one);
      process.stderr.write(`round ${r + 1} ${attack}: ${one.requests} requests, p99 ${one.p99.toFixed(1)} ms, ` +
        `failed ${one.failed}, load ${one.load1.toFixed(2)}, CPU daemon ${one.cpu_daemon.toFixed(2)} attacker ${one.cpu_attacker.toFixed(2)}\n`);
    }
  const f = (x) => (Number.isNaN(x) ? '-' : x.toFixed(1));
  console.log(`fresh address ${FRESH}, ${RATE} operations/s for ${SECONDS} s after ${WARM} s of attack; ` +
    `median of ${ROUNDS} round(s); ms`);
  console.log('| attack | requests | p50 | p99 | max | p99 reads | p99 steps | refused/failed | attack | load |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const attack of ATTACKS.filter((x) => want.includes(x))) {
    const rs = runs.filter((x) => x.attack === attack);
    const m = (k) => median(rs.map((x) => x[k]));
    const af = rs.map((x) => x.attack_figures);
    let what = '';
    if (attack === 'many') {
      what = `${af[0].addresses} addresses, ${af[0].loops} loops at ${median(af.map((x) => x.per_second))} req/s, ` +
        `${af[0].sockets_held} idle/half-open sockets; held at most ${median(af.map((x) => x.held_max))}, ` +
        `closed ${median(af.map((x) => x.closed))}`;
    } else if (attack !== 'baseline') {
      what = `held at most ${median(af.map((x) => x.held_max))}, closed ${median(af.map((x) => x.closed))}` +
        `, its probe down ${median(af.map((x) => x.probe_down_s))} s`;
    }
    const dc = rs.map((x) => x.daemon_closed);
    if (attack !== 'baseline')
      what += `; daemon closed ${median(dc.map((x) => x.late))} late, ${median(dc.map((x) => x.room))} for room`;
    console.log(`| ${attack} | ${m('requests')} | ${f(m('p50'))} | ${f(m('p99'))} | ${f(m('max'))} | ` +
      `${f(m('p99_read'))} | ${f(m('p99_step'))} | ${rs.reduce((n, x) => n + x.failed, 0)} of ${rs.reduce((n, x) => n + x.requests, 0)} | ` +
      `${what} | ${median(rs.map((x) => x.load1)).toFixed(2)} |`);
  }
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(runs, null, 1));
  fs.rmSync(work, { recursive: true, force: true });
  const bad = runs.filter((x) => x.failed > 0 || x.p99 >= 100);
  if (bad.length) console.log(`targets missed (p99 ≥ 100 ms or a refusal): ${bad.map((x) => `${x.attack}#${x.round}`).join(' ')}`);
}

if (argv[0] === '--flood') {
  fs.rmSync(work, { recursive: true, force: true });
  await floodChild(Number(argv[1]), Number(argv[2]));
  process.exit(0);
} else {
  await main();
  process.exit(0);
}
