#!/usr/bin/env node
// Issue #13 item 2: durable step commits. For each binary and each number of
// clients, a fresh daemon on the walk fixture (procedure "simple"), and N
// clients on keep-alive connections each walking cases as fast as they are
// answered: create a case, step 0, submit — three requests, each one write
// transaction committed before its answer. Every write's latency is recorded;
// commits/s counts the answered writes. In the same round, the raw-SQLite
// baseline (bench/sqlite-commits.c: single-row INSERT commits, WAL,
// synchronous=FULL, one connection) runs on the same disk, and each row's
// ratio is its commits/s over the baseline's. The WAL's largest size seen
// (sampled every 50 ms) shows whether it stays bounded, and the daemon's CPU
// over the run divided by its commits what a commit costs it (the row that
// binds at 32 clients on 2 cores). Prints medians of the rounds.
//
// --driver wrk (or both): the same daemon, but the clients are wrk's
// connections running bench/steps.lua, each request answering step 0 of one
// of the cases made beforehand (runWrk: enough that none passes the event
// cap): only step commits, from a client written in
// C. Why both: on this 2-core machine node's clients take most of a core
// that the daemon would use, so the node walk measures client and daemon
// together; wrk's rows (labelled LABEL-wrk) measure the daemon.
//
//   node bench/steps.mjs [--rounds 3] [--seconds 5] [--clients 1,8,32]
//        [--bin LABEL=PATH,...] [--serve 'OPTIONS'] [--dir DIR]
//        [--driver node|wrk|both]
// Default binary: SPKIOSK_BIN or build/spkiosk. --dir: where the databases
// go (default: a temp folder under os.tmpdir(); it must be a real disk, not
// tmpfs, or fsync costs nothing).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const ROUNDS = Number(opt('rounds', 3));
const SECONDS = Number(opt('seconds', 5));
const CLIENTS = opt('clients', '1,8,32').split(',').map(Number);
const BINS = opt('bin', `this=${process.env.SPKIOSK_BIN || path.join(ROOT, 'build', 'spkiosk')}`)
  .split(',').map((s) => { const [l, p] = s.split('='); return { label: l, bin: path.resolve(p) }; });
const SERVE = opt('serve', '').split(' ').filter(Boolean);
const DRIVER = opt('driver', 'node');
if (!['node', 'wrk', 'both'].includes(DRIVER)) throw new Error(`--driver: node, wrk or both, not ${DRIVER}`);
const work = fs.mkdtempSync(path.join(opt('dir', os.tmpdir()), 'spkiosk-steps-'));
// removed however the run ends (a daemon or wrk that failed throws)
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const baseline = path.join(work, 'sqlite-commits');
const cc = spawnSync('cc', ['-O2', '-o', baseline, path.join(ROOT, 'bench', 'sqlite-commits.c'), '-lsqlite3'],
  { stdio: 'inherit' });
if (cc.status !== 0) throw new Error('cannot build bench/sqlite-commits.c');

async function startDaemon(bin, dir) {
  const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(dir, 'x.db'),
    '--procedures', path.join(ROOT, 'tests', 'fixtures', 'cases', 'walk'),
    '--case-quota', '100000/1000000,100000/1000000', ...SERVE], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.setEncoding('utf8');
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no listening line:\n${err}`)), 20_000);
    proc.stderr.on('data', (d) => {
      err += d;
      if (err.length > 1 << 20) err = err.slice(-65536);
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    proc.on('exit', () => reject(new Error(`daemon exited:\n${err}`)));
  });
  return {
    port, pid: proc.pid, log: () => err,
    stop: () => new Promise((r) => { proc.on('exit', r); proc.kill('SIGTERM'); }),
  };
}

function call(agent, port, method, p, body) {
  return new Promise((resolve) => {
    const data = body === undefined ? null : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path: p, agent,
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {} },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, body: json });
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: null }));
    if (data) req.write(data);
    req.end();
  });
}

// The daemon's CPU so far (user and system) in µs, from /proc/PID/stat
// (fields 14 and 15, in clock ticks of 10 ms on Linux): with the commits
// between two readings, the CPU a commit costs the daemon.
const TICK_US = 10_000;
function cpuUs(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * TICK_US;
}

const pct = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// The WAL's largest size, sampled every 50 ms until stop(), which returns it.
function watchWal(dir) {
  const wal = path.join(dir, 'x.db-wal');
  let max = 0;
  const t = setInterval(() => {
    try { max = Math.max(max, fs.statSync(wal).size); } catch { /* not yet */ }
  }, 50);
  return { stop: () => { clearInterval(t); return max; } };
}

async function runOne(bin, n) {
  const dir = fs.mkdtempSync(path.join(work, 'db-'));
  const d = await startDaemon(bin, dir);
  const lat = [];
  let errors = 0, stop = false;
  const wal = watchWal(dir);
  const write = async (agent, method, p, body, want) => {
    const t = performance.now();
    const r = await call(agent, d.port, method, p, body);
    if (stop) return r;
    if (r.status === want) lat.push(performance.now() - t);
    else errors++;
    return r;
  };
  const client = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (!stop) {
      const c = await write(agent, 'POST', '/api/v1/cases', { procedure: 'simple' }, 201);
      if (c.status !== 201 || stop) continue;
      const s = await write(agent, 'POST', `/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } }, 200);
      if (s.status !== 200 || stop) continue;
      await write(agent, 'POST', `/api/v1/cases/${c.body.id}/submit`, {}, 200);
    }
    agent.destroy();
  };
  const t0 = performance.now(), cpu0 = cpuUs(d.pid);
  const clients = Array.from({ length: n }, client);
  await sleep(SECONDS * 1000);
  stop = true;
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuUs(d.pid) - cpu0, commits = lat.length;
  await Promise.all(clients);
  const walMax = wal.stop();
  await d.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  lat.sort((a, b) => a - b);
  return { rate: lat.length / secs, p50: pct(lat, 0.5), p99: pct(lat, 0.99), errors, walMax,
    cpu: commits ? cpu / commits : NaN };
}

// The same measure with wrk as the clients (bench/steps.lua): 2×n cases,
// and at least WRK_CASES, made first, then n connections answering their
// step 0 for SECONDS. A case records the public's own moves up to 200
// (cases.h CASES_WALK_EVENTS_MAX) and then writes no event row: with four
// cases each passed that in the first second, and the rest measured a
// lighter commit than a resident's. 600 cases keep each under it at 20,000
// commits/s for 5 s.
const WRK_CASES = Math.max(600, Math.ceil(SECONDS * 20000 / 180));

async function runWrk(bin, n) {
  const dir = fs.mkdtempSync(path.join(work, 'db-'));
  const d = await startDaemon(bin, dir);
  let wal = null;
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ids = [];
    for (let i = 0; i < Math.max(2 * n, WRK_CASES); i++) {
      const c = await call(agent, d.port, 'POST', '/api/v1/cases', { procedure: 'simple' });
      if (c.status !== 201) throw new Error(`cannot make a case: ${c.status}\n${d.log()}`);
      ids.push(c.body.id);
    }
    agent.destroy();
    const idFile = path.join(dir, 'ids');
    fs.writeFileSync(idFile, ids.join('\n') + '\n');
    wal = watchWal(dir);
    const cpu0 = cpuUs(d.pid);
    const out = await new Promise((resolve, reject) => {
      const p = spawn('wrk', ['-t1', `-c${n}`, `-d${SECONDS}s`, '-s', path.join(ROOT, 'bench', 'steps.lua'),
        `http://127.0.0.1:${d.port}/`], { env: { ...process.env, STEPS_IDS: idFile }, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      p.stdout.setEncoding('utf8');
      p.stdout.on('data', (x) => { text += x; });
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}:\n${text}`))));
    });
    const walMax = wal.stop();
    const cpu = cpuUs(d.pid) - cpu0;
    const total = /(\d+) requests in/.exec(out);
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(out);
    const lat = /steps: p50 ([\d.]+) p99 ([\d.]+) non2xx (\d+) sockerr (\d+)/.exec(out);
    if (!rate || !lat) throw new Error(`no figures in wrk's output:\n${out}`);
    return { rate: Number(rate[1]), p50: Number(lat[1]), p99: Number(lat[2]),
      errors: Number(lat[3]) + Number(lat[4]), walMax, cpu: total ? cpu / Number(total[1]) : NaN };
  } finally {
    wal?.stop(); // a failed wrk must not leave the timer keeping node alive
    await d.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runBaseline() {
  const r = spawnSync(baseline, [work, String(SECONDS), 'FULL'], { encoding: 'utf8' });
  const m = /rate ([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`baseline failed: ${r.stderr}`);
  return Number(m[1]);
}

const results = {};   // key → [{...}]
const base = [];
for (let round = 1; round <= ROUNDS; round++) {
  const b = runBaseline();
  base.push(b);
  console.error(`round ${round}: raw SQLite FULL ${b.toFixed(0)} commits/s, load ${os.loadavg()[0].toFixed(1)}`);
  for (const { label, bin } of BINS) {
    for (const drv of DRIVER === 'both' ? ['node', 'wrk'] : [DRIVER]) {
      const name = drv === 'wrk' ? `${label}-wrk` : label;
      for (const n of CLIENTS) {
        const r = drv === 'wrk' ? await runWrk(bin, n) : await runOne(bin, n);
        r.ratio = r.rate / b;
        (results[`${name} ${n}`] ??= []).push(r);
        console.error(`  ${name} ${n} clients: ${r.rate.toFixed(0)} commits/s (${r.ratio.toFixed(2)}x), `
          + `p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}, WAL max ${(r.walMax / 1024).toFixed(0)} KiB, `
          + `daemon CPU ${r.cpu.toFixed(0)} µs a commit`);
      }
    }
  }
}
console.log(`\nmedians of ${ROUNDS} rounds of ${SECONDS} s; raw SQLite (WAL, synchronous=FULL, single-row INSERT commits): ${median(base).toFixed(0)} commits/s\n`);
console.log('| binary | clients | commits/s | ratio to raw SQLite | p50 ms | p99 ms | errors | WAL max KiB | daemon CPU µs a commit |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [key, rs] of Object.entries(results)) {
  const [label, n] = key.split(' ');
  console.log(`| ${label} | ${n} | ${median(rs.map((r) => r.rate)).toFixed(0)} | ${median(rs.map((r) => r.ratio)).toFixed(2)}x `
    + `| ${median(rs.map((r) => r.p50)).toFixed(1)} | ${median(rs.map((r) => r.p99)).toFixed(1)} `
    + `| ${rs.reduce((a, r) => a + r.errors, 0)} | ${median(rs.map((r) => r.walMax / 1024)).toFixed(0)} `
    + `| ${median(rs.map((r) => r.cpu)).toFixed(0)} |`);
}
