#!/usr/bin/env node
// Two attacks of the public-surface review (docs/reliability.md §1 and §3),
// replayed against a fresh daemon on the walk fixture:
//   events  4 keep-alive connections repeat a refused step of one case for
//           10 s: refused steps sent, case_events rows of the case, and the
//           database + WAL size (the cap: 200 rows a case);
//   bodies  16 connections each post 10 bodies of ~1 MiB of `{}` objects to
//           the ticket lookup: the answers, the daemon's RSS before, its
//           peak (VmHWM) and after (the count before parsing: 8,192).
//   node bench/attack/public-floods.mjs events|bodies [--bin BINARY]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const mode = process.argv[2];
const bi = process.argv.indexOf('--bin');
const bin = path.resolve(bi > 0 ? process.argv[bi + 1] : path.join(ROOT, 'build', 'spkiosk'));
if (!['events', 'bodies'].includes(mode)) {
  console.error('usage: public-floods.mjs events|bodies [--bin BINARY]');
  process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spk-floods-'));
const db = path.join(dir, 'x.db');
const d = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', db,
  '--procedures', path.join(ROOT, 'tests', 'fixtures', 'cases', 'walk')], { stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
d.stderr.on('data', (x) => { log = (log + x).slice(-65536); });
const port = await new Promise((ok, no) => {
  const t = setInterval(() => {
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
    if (m) { clearInterval(t); ok(Number(m[1])); }
  }, 50);
  d.on('exit', () => no(new Error(log)));
});
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const post = (p, body) => new Promise((ok, no) => {
  const r = http.request({ host: '127.0.0.1', port, method: 'POST', path: p, agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    let t = '';
    res.on('data', (c) => { t += c; });
    res.on('end', () => ok({ status: res.statusCode, text: t }));
  });
  r.on('error', no);
  r.end(body);
});
const rss = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${d.pid}/status`, 'utf8'))[1]) / 1024;
try {
  if (mode === 'events') {
    const id = JSON.parse((await post('/api/v1/cases', '{"procedure":"simple"}')).text).id;
    let n = 0;
    const end = Date.now() + 10_000;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (Date.now() < end) { await post(`/api/v1/cases/${id}/steps/0`, '{"checklist":{}}'); n++; }
    }));
    const rows = execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, `SELECT count(*) FROM case_events WHERE case_id = '${id}'`], { encoding: 'utf8' }).trim();
    const size = ['', '-wal'].reduce((a, s) => a + (fs.existsSync(db + s) ? fs.statSync(db + s).size : 0), 0);
    console.log(`${bin}: ${n} refused steps in 10 s, ${rows} event rows, db+wal ${(size / 1e6).toFixed(1)} MB`);
  } else {
    const before = rss('VmRSS');
    const body = `{"ticket":[${Array(349000).fill('{}').join(',')}]}`;
    const codes = {};
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = 0; i < 10; i++) {
        const r = await post('/api/v1/cases/lookup', body);
        codes[r.status] = (codes[r.status] ?? 0) + 1;
      }
    }));
    await new Promise((ok) => setTimeout(ok, 500));
    console.log(`${bin}: body ${body.length} B, answers ${JSON.stringify(codes)}, RSS ${before.toFixed(0)} -> peak ${rss('VmHWM').toFixed(0)} MB, after ${rss('VmRSS').toFixed(0)} MB`);
  }
} finally {
  agent.destroy();
  d.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
