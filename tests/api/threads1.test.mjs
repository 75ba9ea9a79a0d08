// One HTTP thread and 128 keep-alive clients (docs/performance.md, Growth:
// `serve --threads 1` at 128 connections fell from 60,000 to ~100 req/s).
// libmicrohttpd's epoll loop takes at most 128 events a call and, on getting
// exactly 128, calls epoll_wait again with the full timeout before serving
// any of them; clients that all wait for their answers send nothing more, so
// the thread sat until a deadline or a stranger's event. (With 160 ready the
// second call returns the other 32 at once: 128 clients in step, as wrk's
// are, is the case.) The daemon now runs libmicrohttpd on poll(2). Here 128
// clients (four addresses, under --max-per-address) ask all at once, five
// times, each on its own connection; every answer must come, and no
// connection may be closed or sit 15 s without one (a patience on a hang,
// not a timing assertion: a wave takes milliseconds). With the epoll loop
// the first wave hung until conns.c closed all 128 at their header deadline.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { startDaemon, makeTmp, rmTmp } from './helpers.mjs';

const CLIENTS = 128;
const WAVES = 5;
const PATIENCE_MS = 15_000;

// A keep-alive connection from localAddress; ask() sends one request and
// resolves {status} when its answer is whole (Content-Length), or
// {stalled}/{closed}/{bad} when none comes.
function connect(port, localAddress) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    let buf = Buffer.alloc(0);
    let waiting = null;
    const settle = (r) => {
      const w = waiting;
      waiting = null;
      if (w) w(r);
    };
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const sep = buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const head = buf.subarray(0, sep).toString('latin1');
      const st = /^HTTP\/1\.1 (\d{3})/.exec(head);
      const len = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (!st || !len) {
        settle({ bad: head.slice(0, 200) });
        return;
      }
      const end = sep + 4 + Number(len[1]);
      if (buf.length < end) return;
      buf = buf.subarray(end);
      settle({ status: Number(st[1]) });
    });
    s.on('error', () => {});
    s.on('close', () => settle({ closed: true }));
    s.setTimeout(PATIENCE_MS, () => settle({ stalled: true }));
    s.ask = () => new Promise((r) => {
      waiting = r;
      s.write('GET /api/v1/categories HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

function tally(got) {
  const n = (k) => got.filter((r) => r[k]).length;
  return { ok: got.filter((r) => r.status === 200).length, stalled: n('stalled'), closed: n('closed'),
    bad: got.find((r) => r.bad || (r.status && r.status !== 200)) };
}

describe('--threads 1 with 128 keep-alive clients', () => {
  let tmp, d;
  before(async () => {
    tmp = makeTmp();
    d = await startDaemon({ db: path.join(tmp, 'x.db'), args: ['--threads', '1'] });
  });
  after(async () => {
    if (d) assert.equal((await d.stop()).code, 0);
    rmTmp(tmp);
  });

  // The daemon is stopped (SIGSTOP) while every client sends its request,
  // then continued: its one thread then finds all 128 ready at once, the
  // case that hung (clients in step with each other, as wrk's are, reach it
  // by themselves within a second or two; this reaches it every time).
  it(`answers ${CLIENTS} keep-alive clients that all ask at once, ${WAVES} times`, async () => {
    const socks = [];
    for (let i = 0; i < CLIENTS; i++) socks.push(await connect(d.port, `127.0.0.${2 + (i % 4)}`));
    try {
      for (let w = 0; w < WAVES; w++) {
        d.proc.kill('SIGSTOP');
        const waves = socks.map((s) => s.ask());
        d.proc.kill('SIGCONT');
        const t = tally(await Promise.all(waves));
        assert.equal(t.bad, undefined, `wave ${w}: ${JSON.stringify(t.bad)}`);
        assert.deepEqual(t, { ok: CLIENTS, stalled: 0, closed: 0, bad: undefined },
          `wave ${w}: ${t.stalled} waited ${PATIENCE_MS} ms without an answer, ${t.closed} closed`);
      }
    } finally {
      d.proc.kill('SIGCONT');
      for (const s of socks) s.destroy();
    }
  });
});
