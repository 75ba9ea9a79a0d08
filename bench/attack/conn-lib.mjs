// Shared by the connection and memory attack scripts (issue #12, items 2, 3
// and 10): start a daemon on a free port, read its RSS, make a request from a
// chosen 127.0.0.x address. Node 20 built-ins only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const BIN = path.resolve(process.env.SPKIOSK_BIN || path.join(ROOT, 'build', 'spkiosk'));
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts `spkiosk serve` over tree (default: the test fixtures) with extra
// args; resolves {port, pid, proc, tmp, stop()} once it listens.
export async function startDaemon({ tree, args = [] } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-attack-'));
  const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(tmp, 'x.db'),
    '--procedures', tree ?? path.join(ROOT, 'tests', 'fixtures', 'tree'), ...args],
  { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.setEncoding('utf8');
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no listening line:\n${err}`)), 10_000);
    proc.stderr.on('data', (d) => {
      err += d;
      if (err.length > 1 << 20) err = err.slice(-65536);
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    proc.on('exit', () => reject(new Error(`daemon exited:\n${err}`)));
  });
  return {
    port, pid: proc.pid, proc, tmp, log: () => err,
    stop: async () => {
      const done = new Promise((r) => proc.on('exit', r));
      proc.kill('SIGTERM');
      await done;
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

// The daemon's resident set, in MiB.
export function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// One request from localAddress: resolves the status code, 'timeout', or
// 'refused' (closed or reset before an answer).
export function rawStatus(port, head, { localAddress = '127.0.0.1', timeoutMs = 5000, body = '' } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    let got = '';
    let done = false;
    const finish = (v) => { if (!done) { done = true; clearTimeout(t); sock.destroy(); resolve(v); } };
    const t = setTimeout(() => finish('timeout'), timeoutMs);
    sock.setEncoding('latin1');
    sock.on('connect', () => sock.write(`${head}\r\n\r\n${body}`));
    sock.on('data', (d) => {
      got += d;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m && got.includes('\r\n\r\n')) finish(Number(m[1]));
    });
    sock.on('error', () => finish('refused'));
    sock.on('close', () => finish('refused'));
  });
}

// Opens a socket from localAddress; resolves it once connected (or null).
export function openFrom(port, localAddress) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    sock.on('connect', () => resolve(sock));
    sock.on('error', () => resolve(null));
  });
}

// Counts the outcomes of an array of rawStatus results: "200×18 timeout×2".
export function tally(results) {
  const n = {};
  for (const r of results) n[r] = (n[r] ?? 0) + 1;
  return Object.entries(n).map(([k, v]) => `${k}×${v}`).join(' ');
}
