#!/usr/bin/env node
// `make bench` (issue #13): the whole set with short settings, and ONE table
// of the targets: each row the figure, the baseline measured in the
// same run where there is one (nginx, raw SQLite, the procedure JSON's
// rate), the ratio and met/missed. Rates and latencies are medians of three
// (the machine is shared and noisy). Also writes the table as markdown to
// build/bench/summary.md.
//
//   node bench/all.mjs              the summary, under 5 minutes
//   BENCH_FULL=1 node bench/all.mjs + loading at 10,000 procedures
//   node bench/all.mjs --growth     docs/performance.md's growth table: every
//                                   figure at 100, 1,000, 10,000 procedures and
//                                   1, 2, 4 threads (build/bench/growth.md)
// SPKIOSK_BIN: the binary (default build/spkiosk; bench/read-conns.sh and
// bench/load.sh always use build/spkiosk). Needs wrk, nginx, cc, node.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, parseWrk, parseLoad, parseSteps, parseReadConns, row, formatTable, formatText, fmtNum } from './table.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.resolve(process.env.SPKIOSK_BIN || path.join(ROOT, 'build', 'spkiosk'));
const OUT = path.join(ROOT, 'build', 'bench');
const FULL = process.env.BENCH_FULL === '1';
const GROWTH = process.argv.includes('--growth') || process.env.BENCH_GROWTH === '1';
const ROUNDS = 3;
const WRK_SECS = 2;
const QUERIES = ['证', '低保', 'dibao'];
const t0 = Date.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (s) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${s}\n`);

fs.mkdirSync(OUT, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-bench-'));
const children = new Set();
process.on('exit', () => {
  for (const c of children) try { c.kill('SIGKILL'); } catch { /* gone */ }
  fs.rmSync(work, { recursive: true, force: true });
});
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(130));

function sh(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

// A tree of n procedures from bench/gen-tree.sh, built once per run and reused.
const trees = {};
function tree(n) {
  if (!trees[n]) {
    trees[n] = path.join(work, `t${n}`);
    log(`bench/gen-tree.sh ${n}`);
    sh('sh', [path.join(ROOT, 'bench', 'gen-tree.sh'), trees[n], String(n)]);
  }
  return trees[n];
}

// The daemon on a tree; resolves once it listens and its first load is done.
// Its log goes to a file (a pipe would fill while wrk runs and stall the
// daemon: a line per request), emptied before each wrk run like
// bench/read-conns.sh does, so that it stays small.
async function daemon(procedures, extra = []) {
  const dir = fs.mkdtempSync(path.join(work, 'd-'));
  const logf = path.join(dir, 'log');
  const fd = fs.openSync(logf, 'a');
  const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(dir, 'db'),
    '--procedures', procedures, ...extra], { stdio: ['ignore', 'ignore', fd] });
  fs.closeSync(fd);
  children.add(proc);
  const text = () => fs.readFileSync(logf, 'utf8');
  const loaded = () => /\) in [0-9.]+ ms/.test(text());
  const exited = new Promise((r) => proc.on('exit', r));
  let url = null;
  for (let i = 0; !(url && loaded()); i++) {
    if (proc.exitCode !== null || i > 6000) throw new Error(`daemon did not start:\n${text().slice(-4000)}`);
    await sleep(50);
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text());
    if (m) url = m[1];
  }
  return {
    url, pid: proc.pid,
    clear: () => fs.truncateSync(logf, 0),
    async reload() {
      fs.truncateSync(logf, 0);
      process.kill(proc.pid, 'SIGHUP');
      while (!loaded()) await sleep(10);
    },
    async stop() { proc.kill('SIGTERM'); await exited; children.delete(proc); },
  };
}

// one keep-alive connection: the one client's latency is the answer's, not a
// TCP handshake's
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    http.get(url, { headers, agent }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`));
        else resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, body: Buffer.concat(parts) });
      });
    }).on('error', reject);
  });
}

const wrk = (url, conns, headers = []) => parseWrk(sh('wrk',
  ['-t2', `-c${conns}`, `-d${WRK_SECS}s`, '--latency', ...headers.flatMap((h) => ['-H', h]), url]));
const GZIP = ['Accept-Encoding: gzip'];
const GZIP_HEADER = { 'Accept-Encoding': 'gzip' };
const q = (url, s) => `${url}/api/v1/procedures?q=${encodeURIComponent(s)}`;

// Search on n procedures: one client uncached (a SIGHUP before each round
// publishes a snapshot with an empty cache; each query asked once), then 32
// connections on a procedure's JSON and on a repeated search, interleaved,
// three rounds each. Also the list's bytes as is and gzip accepted.
async function search(n, threads) {
  const d = await daemon(tree(n), threads ? ['--threads', String(threads)] : []);
  try {
    const unc = Object.fromEntries(QUERIES.map((s) => [s, []]));
    for (let r = 0; r < ROUNDS; r++) {
      await d.reload();
      for (const s of QUERIES) unc[s].push((await get(q(d.url, s))).ms);
    }
    const list = await get(`${d.url}/api/v1/procedures`);
    const listGz = await get(`${d.url}/api/v1/procedures`, { 'Accept-Encoding': 'gzip' });
    const id = JSON.parse(list.body).procedures[0].id;
    const json = [], rep = [], jsonGz = [], repGz = [];
    await get(q(d.url, '证'));
    const docUrl = `${d.url}/api/v1/procedures/${encodeURIComponent(id)}`;
    const docBytes = (await get(docUrl)).body.length, repBytes = (await get(q(d.url, '证'))).body.length;
    const docGzBytes = (await get(docUrl, GZIP_HEADER)).body.length;
    const repGzBytes = (await get(q(d.url, '证'), GZIP_HEADER)).body.length;
    for (let r = 0; r < ROUNDS; r++) {
      d.clear();
      json.push(wrk(docUrl, 32));
      d.clear();
      rep.push(wrk(q(d.url, '证'), 32));
      // as the kiosk's browser asks: both answers gzipped from the snapshot
      d.clear();
      jsonGz.push(wrk(docUrl, 32, GZIP));
      d.clear();
      repGz.push(wrk(q(d.url, '证'), 32, GZIP));
    }
    const m = (rs, k) => median(rs.map((x) => x[k]));
    return {
      uncached: Object.fromEntries(QUERIES.map((s) => [s, median(unc[s])])),
      json: { rate: m(json, 'rate'), p99: m(json, 'p99') },
      rep: { rate: m(rep, 'rate'), p99: m(rep, 'p99') },
      jsonGz: { rate: m(jsonGz, 'rate'), p99: m(jsonGz, 'p99') },
      repGz: { rate: m(repGz, 'rate'), p99: m(repGz, 'p99') },
      bytes: { doc: docBytes, rep: repBytes, docGz: docGzBytes, repGz: repGzBytes },
      listBytes: list.body.length, listGzBytes: listGz.body.length,
    };
  } finally { agent.destroy(); await d.stop(); }
}

// bench/steps.mjs, short: 1 and 32 clients against raw SQLite FULL, with
// both drivers: node's walk (rows 'this N') and wrk's step answers ('this-wrk N')
function steps(threads) {
  const args = [path.join(ROOT, 'bench', 'steps.mjs'), '--rounds', String(ROUNDS), '--seconds', '2', '--clients', '1,32',
    '--bin', `this=${BIN}`, '--driver', 'both'];
  if (threads) args.push('--serve', `--threads ${threads}`);
  return parseSteps(sh('node', args));
}

// bench/read-conns.sh on a subset of connection counts
function reads(threads, conns = '32 128 512') {
  return parseReadConns(sh('sh', [path.join(ROOT, 'bench', 'read-conns.sh'), String(WRK_SECS)],
    { CONNS: conns, SERVE: threads ? `--threads ${threads}` : '' }));
}

// bench/load.sh as it is (one cold and one warm run on its own tree)
const load = (n) => parseLoad(sh('sh', [path.join(ROOT, 'bench', 'load.sh'), String(n)]));

// The kiosk's first paint over the wire, sample library
async function firstPaint() {
  const d = await daemon(path.join(ROOT, 'procedures'));
  try {
    const out = sh('node', [path.join(ROOT, 'tools', 'measure-bytes.mjs'), d.url]);
    const last = out.trim().split('\n').pop().replace(/\*/g, '').split('|').map((s) => s.trim());
    return { plain: Number(last[2].replace(/,/g, '')), gz: Number(last[3].replace(/,/g, '')) };
  } finally { await d.stop(); }
}

// bench/load.sh gives kB (/proc's kiB), bench/steps.mjs KiB: shown in MB, MiB
const toMB = (kib) => kib / 1024;

async function summary() {
  const rows = [];
  log('reads: bench/read-conns.sh, 32/128/512 connections, 3 rounds');
  const rc = reads(0);
  for (const c of Object.keys(rc)) {
    const x = rc[c];
    rows.push(row(`4. reads ≥ 1.0× nginx, ${c} connections`, x.d, 'req/s', { baseline: x.s, want: 'ratio-min', limit: 1.0, note: 'nginx' }));
    rows.push(row(`4. reads p99 ≤ nginx's, ${c} connections`, x.dp99, 'ms', { baseline: x.sp99, want: 'ratio-max', limit: 1.0, note: 'nginx' }));
    rows.push(row(`4. through nginx as proxy (one address), ${c} conns: no refusals (errors ${x.errors})`, x.p, 'req/s',
      { baseline: x.s, want: null, note: 'nginx static' }));
    if (x.errors) rows[rows.length - 1].met = false;
    else rows[rows.length - 1].met = true;
  }
  log('search: 1,000 procedures');
  const s = await search(1000, 0);
  for (const qs of QUERIES) {
    rows.push(row(`1. search ${qs}, 1,000, one client uncached ≤ 5 ms`, s.uncached[qs], 'ms', { want: 'max', limit: 5 }));
  }
  rows.push(row('1. search 证 repeated, 32 conns ≥ 0.8× procedure JSON rate', s.rep.rate, 'req/s',
    { baseline: s.json.rate, want: 'ratio-min', limit: 0.8, note: 'procedure JSON' }));
  rows.push(row('1. search 证 repeated, 32 conns: p99 ≤ procedure JSON\'s', s.rep.p99, 'ms',
    { baseline: s.json.p99, want: 'ratio-max', limit: 1.0, note: 'procedure JSON' }));
  // the two answers' sizes differ (100 hits against one procedure): the same
  // pair gzip accepted, as a browser asks, carries about as many bytes each
  const kb = (n) => (n / 1024).toFixed(1);
  rows.push(row(`1. search 证 repeated, gzip accepted (${kb(s.bytes.repGz)} KB against ${kb(s.bytes.docGz)} KB; as is ${kb(s.bytes.rep)} against ${kb(s.bytes.doc)}), 32 conns (no target; p99 ${fmtNum(s.repGz.p99)} against ${fmtNum(s.jsonGz.p99)} ms)`,
    s.repGz.rate, 'req/s', { baseline: s.jsonGz.rate, want: null, note: 'procedure JSON, gzip' }));
  log('step commits: bench/steps.mjs --driver both, 1 and 32 clients, 3 rounds of 2 s');
  const st = steps(0);
  const sr = (k) => {
    if (!st.rows[k]) throw new Error(`bench/steps.mjs: no row ${k}`);
    return st.rows[k];
  };
  // the target: the daemon's commits, from wrk (a client that leaves the
  // daemon its cores); node's walk is shown beside it, without a target
  for (const n of [1, 32]) {
    const x = sr(`this-wrk ${n}`);
    rows.push(row(`2. step commits ≥ 1.0× raw SQLite FULL, ${n} client${n > 1 ? 's' : ''} (wrk)`, x.rate, 'commits/s',
      { baseline: x.rate / x.ratio, want: 'ratio-min', limit: 1.0, note: 'raw SQLite' }));
  }
  const s32 = sr('this-wrk 32');
  rows.push(row('2. step commits p99 ≤ 20 ms, 32 clients (wrk)', s32.p99, 'ms', { want: 'max', limit: 20 }));
  rows.push(row('2. WAL bounded under writes (≤ 8 MiB), 32 clients (wrk)', toMB(s32.walKb), 'MiB', { want: 'max', limit: 8 }));
  for (const n of [1, 32]) {
    const x = sr(`this ${n}`);
    rows.push(row(`2. walk create/step/submit from node, ${n} client${n > 1 ? 's' : ''} (no target; p99 ${fmtNum(x.p99)} ms)`,
      x.rate, 'commits/s', { baseline: x.rate / x.ratio, want: null, note: 'raw SQLite' }));
  }
  log('load: bench/load.sh 1000');
  const l1 = load(1000);
  rows.push(row('3. load 1,000 cold: CPU (no target; wall in note)', l1.cold.cpu, 'ms', { note: `wall ${fmtNum(l1.cold.wall)} ms` }));
  rows.push(row('3. warm start 1,000 ≤ 300 ms (wall)', l1.warm.wall, 'ms', { want: 'max', limit: 300, note: `CPU ${fmtNum(l1.warm.cpu)} ms` }));
  rows.push(row('3. steady RSS ≤ 32 MB at 1,000 (after cold load)', toMB(l1.cold.rssKb), 'MB', { want: 'max', limit: 32 }));
  if (l1.reload) rows.push(row('3. one changed file among 1,000 served ≤ 100 ms after it settles (the reload)', l1.reload.wall, 'ms', { want: 'max', limit: 100, note: `CPU ${fmtNum(l1.reload.cpu)} ms` }));
  rows.push(row('3. no 64 MiB hash at start: warm start peak RSS < 64 MB', toMB(l1.warm.peakKb), 'MB', { want: 'max', limit: 64 }));
  if (FULL) {
    log('load: bench/load.sh 10000 (BENCH_FULL=1)');
    const l10 = load(10000);
    rows.push(row('3. load 10,000 cold ≤ 5 s (wall)', l10.cold.wall / 1000, 's', { want: 'max', limit: 5, note: `CPU ${fmtNum(l10.cold.cpu / 1000)} s` }));
    rows.push(row('3. linear: cold CPU 10,000 / 1,000 ≤ 12', l10.cold.cpu / l1.cold.cpu, '×', { want: 'max', limit: 12 }));
    rows.push(row('3. warm start 10,000 ≤ 300 ms (wall)', l10.warm.wall, 'ms', { want: 'max', limit: 300, note: `CPU ${fmtNum(l10.warm.cpu)} ms` }));
    rows.push(row('3. steady RSS ≤ 100 MB at 10,000 (after cold load)', toMB(l10.cold.rssKb), 'MB', { want: 'max', limit: 100 }));
    if (l10.reload) rows.push(row('3. one changed file among 10,000 served ≤ 100 ms after it settles (the reload)', l10.reload.wall, 'ms', { want: 'max', limit: 100, note: `CPU ${fmtNum(l10.reload.cpu)} ms` }));
  }
  log('bytes: first paint and the list of 1,000');
  const fp = await firstPaint();
  rows.push(row('5. kiosk first paint over the wire ≤ 50 KB (gzip accepted)', fp.gz / 1000, 'KB',
    { baseline: fp.plain / 1000, want: 'max', limit: 50, note: 'as is' }));
  rows.push(row('5. list of 1,000 gzipped when accepted', s.listGzBytes / 1000, 'KB',
    { baseline: s.listBytes / 1000, want: 'ratio-max', limit: 0.5, note: 'as is' }));
  return rows;
}

// Growth: per N and thread count, the figures that depend on them.
async function growth() {
  const lines = [];
  const ns = (process.env.GROWTH_N || '100,1000,10000').split(',').map(Number);
  const ths = (process.env.GROWTH_THREADS || '1,2,4').split(',').map(Number);
  lines.push('| procedures | threads | search 证 / 低保 / dibao, one client uncached (ms) | procedure JSON, 32 conns (req/s, p99 ms) | search 证 repeated, 32 conns (req/s, p99 ms; × JSON) | list as is / gzip (KB) |');
  lines.push('| --- | --- | --- | --- | --- | --- |');
  for (const n of ns) {
    for (const t of ths) {
      log(`growth: search ${n} procedures, ${t} threads`);
      const s = await search(n, t);
      lines.push(`| ${n.toLocaleString('en')} | ${t} | ${QUERIES.map((x) => fmtNum(s.uncached[x])).join(' / ')} `
        + `| ${fmtNum(s.json.rate)}, ${fmtNum(s.json.p99)} | ${fmtNum(s.rep.rate)}, ${fmtNum(s.rep.p99)}; ${(s.rep.rate / s.json.rate).toFixed(2)}× `
        + `| ${fmtNum(s.listBytes / 1000)} / ${fmtNum(s.listGzBytes / 1000)} |`);
    }
    fs.rmSync(trees[n], { recursive: true, force: true });
    delete trees[n];
  }
  lines.push('', '| procedures | cold load: wall, CPU | warm start: wall, CPU | peak RSS cold / warm | steady RSS cold / warm |', '| --- | --- | --- | --- | --- |');
  for (const n of ns) {
    log(`growth: bench/load.sh ${n}`);
    const l = load(n);
    lines.push(`| ${n.toLocaleString('en')} | ${fmtNum(l.cold.wall)} ms, ${fmtNum(l.cold.cpu)} ms | ${fmtNum(l.warm.wall)} ms, ${fmtNum(l.warm.cpu)} ms `
      + `| ${fmtNum(toMB(l.cold.peakKb))} / ${fmtNum(toMB(l.warm.peakKb))} MB | ${fmtNum(toMB(l.cold.rssKb))} / ${fmtNum(toMB(l.warm.rssKb))} MB |`);
  }
  lines.push('', '| threads | reads 128 conns: spkiosk / nginx req/s (ratio), p99 ms | step commits (wrk) 1 client: commits/s (× raw SQLite), p99 ms | 32 clients: commits/s (× raw SQLite), p99 ms |', '| --- | --- | --- | --- |');
  for (const t of ths) {
    log(`growth: reads and step commits, ${t} threads`);
    const r = reads(t, '128')['128'];
    const st = steps(t);
    const a = st.rows['this-wrk 1'], b = st.rows['this-wrk 32'];
    lines.push(`| ${t} | ${fmtNum(r.d)} / ${fmtNum(r.s)} (${(r.d / r.s).toFixed(2)}×), ${fmtNum(r.dp99)} / ${fmtNum(r.sp99)} `
      + `| ${fmtNum(a.rate)} (${a.ratio.toFixed(2)}×), ${fmtNum(a.p99)} | ${fmtNum(b.rate)} (${b.ratio.toFixed(2)}×), ${fmtNum(b.p99)} |`);
  }
  return lines.join('\n');
}

const load0 = os.loadavg()[0];
let commit = '';
try { commit = `commit ${sh('git', ['rev-parse', '--short', 'HEAD']).trim()}, `; } catch { /* not a checkout */ }
const head = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${commit}${os.cpus().length} cores, `
  + `load average ${load0.toFixed(1)} at the start`;
if (GROWTH) {
  const md = await growth();
  const secs = (Date.now() - t0) / 1000;
  const text = `${head}; ${secs.toFixed(0)} s in all, load average ${os.loadavg()[0].toFixed(1)} at the end\n\n${md}\n`;
  fs.writeFileSync(path.join(OUT, 'growth.md'), text);
  console.log(text);
} else {
  const rows = await summary();
  const secs = (Date.now() - t0) / 1000;
  const foot = `wall time ${secs.toFixed(0)} s; load average ${os.loadavg()[0].toFixed(1)} at the end; `
    + `${rows.filter((r) => r.met === true).length} met, ${rows.filter((r) => r.met === false).length} missed`;
  fs.writeFileSync(path.join(OUT, 'summary.md'), `${head}${FULL ? ', BENCH_FULL=1' : ''}\n\n${formatTable(rows)}\n\n${foot}\n`);
  console.log(`${head}\n\n${formatText(rows)}\n\n${foot}\n(markdown: build/bench/summary.md)`);
}
