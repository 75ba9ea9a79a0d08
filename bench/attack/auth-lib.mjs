// Shared by the attack scripts of issue #12 items 5, 6 and 9: start a
// daemon (any build: the one before a fix, the one after) on a fresh
// database with --listen 127.0.0.1:0, read the port back, add users, and
// send requests from a chosen loopback address (127.0.0.x stands in for a
// client).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function start(bin, args = [], users = []) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spk-attack-'));
  const db = path.join(tmp, 'a.db');
  for (const [name, pw] of users) {
    const r = spawnSync(bin, ['user', 'add', name, '--role', 'staff', '--db', db], { input: `${pw}\n` });
    if (r.status !== 0) throw new Error(`user add ${name}: ${r.stderr}`);
  }
  const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', db,
    '--procedures', path.join(ROOT, 'procedures'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const port = await new Promise((resolve, reject) => {
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => {
      err += d;
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (c) => reject(new Error(`daemon exited ${c}: ${err}`)));
  });
  return {
    port,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.on('exit', r));
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

// One request; resolves {status, headers, body (parsed JSON or text)}.
export function send(port, { method = 'GET', path: p = '/', from = '127.0.0.1', headers = {}, body = null }) {
  const data = body === null ? null : JSON.stringify(body);
  const h = { ...headers };
  if (data !== null) Object.assign(h, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, method, localAddress: from, headers: h }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let parsed = text;
        try { parsed = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

export const login = (port, from, name, password, cookie = null) =>
  send(port, { method: 'POST', path: '/api/v1/login', from, body: { name, password },
    headers: cookie ? { Cookie: cookie } : {} });

// The "name=value" of a Set-Cookie named name, or null.
export function cookieOf(r, name) {
  const c = (r.headers['set-cookie'] ?? []).find((x) => x.startsWith(`${name}=`));
  return c ? c.split(';')[0] : null;
}

// The binaries to compare: argv (BIN or LABEL=BIN), or this worktree's
// build alone. Each is {label, bin}.
export function binaries() {
  const b = process.argv.slice(2);
  return (b.length ? b : [path.join(ROOT, 'build', 'spkiosk')]).map((a) => {
    const i = a.indexOf('=');
    return i > 0 ? { label: a.slice(0, i), bin: a.slice(i + 1) } : { label: a, bin: a };
  });
}

// Prints rows [label, ...one value per binary] as an aligned table.
export function table(head, rows) {
  const all = [head, ...rows].map((r) => r.map(String));
  const w = all[0].map((_, i) => Math.max(...all.map((r) => [...r[i]].length)));
  for (const r of all) console.log(r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd());
}
