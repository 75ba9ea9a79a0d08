// The descriptor limit and --max-connections. systemd starts a service with
// a soft limit of 1024 descriptors, below the default cap of 1000
// connections and the daemon's own; the daemon raises its soft limit as far
// as the hard one allows, says so at start when that is not enough, and
// when accept4 then runs out (EMFILE) it says that new clients wait, and
// serves them once descriptors are free again. prlimit(1) (util-linux)
// sets the limits the daemon starts with.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startDaemon, makeTmp, rmTmp, request, sleep } from './helpers.mjs';

// the soft limit on open files of a running process, from /proc
function softNofile(pid) {
  const line = fs.readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line.split(/\s{2,}/)[1]);
}

function open(port, localAddress) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(null));
  });
}

describe('the descriptor limit', { timeout: 60_000 }, () => {
  const tmps = [];
  after(() => tmps.forEach(rmTmp));

  it('is raised to what --max-connections needs when the hard limit allows', async () => {
    const tmp = makeTmp();
    tmps.push(tmp);
    const d = await startDaemon({ db: path.join(tmp, 'db'), args: ['--max-connections', '1000'],
      wrap: ['prlimit', '--nofile=256:4096'] });
    try {
      // 1,000 connections and 128 spare
      assert.equal(softNofile(d.proc.pid), 1128);
      assert.doesNotMatch(d.stderr(), /file descriptors/);
    } finally {
      assert.equal((await d.stop()).code, 0);
    }
  });

  it('says when it cannot be, and clients wait for descriptors instead of being lost', async () => {
    const tmp = makeTmp();
    tmps.push(tmp);
    // the cap far above what 96 descriptors allow, so that the daemon's own
    // room-making (at the cap's high-water mark) never closes a connection
    const d = await startDaemon({ db: path.join(tmp, 'db'),
      args: ['--max-connections', '400', '--max-per-address', '200'],
      wrap: ['prlimit', '--nofile=64:96'] });
    const socks = [];
    try {
      assert.match(d.stderr(), /--max-connections 400 needs about 528 file descriptors and the limit is 96/);
      assert.equal(softNofile(d.proc.pid), 96);
      assert.equal((await request(`${d.url}/healthz`)).status, 200);
      // more idle connections than descriptors: the kernel queues the rest
      for (let i = 0; i < 100; i++) {
        const s = await open(d.port, `127.0.0.${10 + (i % 50)}`);
        if (s) socks.push(s);
      }
      for (let i = 0; i < 100 && !/accepting: Too many open files/.test(d.stderr()); i++) await sleep(50);
      assert.match(d.stderr(), /http: accepting: Too many open files \(\d+ time\(s\) in \d+ s\): new clients wait/);
      // a client now waits in the queue; once the idle ones go, it is served
      const waiting = request(`${d.url}/healthz`);
      for (const s of socks) s.destroy();
      assert.equal((await waiting).status, 200);
      assert.equal((await request(`${d.url}/api/v1/procedures`)).status, 200);
    } finally {
      for (const s of socks) s.destroy();
      assert.equal((await d.stop()).code, 0);
    }
  });
});
