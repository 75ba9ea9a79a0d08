// serve --trusted-proxy (issue #13 item 4): behind a reverse proxy every
// client arrives from the proxy's address, so the per-address rules count
// the client X-Forwarded-For names — only when the peer is a trusted
// proxy, and then the right-most entry that is not one (what the client
// wrote itself is to the left, and never read). 127.0.0.x stand in for the
// proxy and for clients; the quota's refill is one an hour, so nothing
// here depends on timing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {
  ROOT, startDaemon, stopChecked, makeTmp, rmTmp, assertError, sleep, addUser,
} from './helpers.mjs';

const TREE = path.join(ROOT, 'tests', 'fixtures', 'cases', 'walk');

function useDaemon(args) {
  const h = { d: null, tmp: null };
  before(async () => {
    h.tmp = makeTmp();
    h.db = path.join(h.tmp, 'x.db');
    h.d = await startDaemon({ tree: TREE, db: h.db, args });
  });
  after(() => stopChecked(h.d, h.tmp));
  // a new case from peer addr with X-Forwarded-For xff (a string, an
  // array for several header lines, or undefined for none)
  h.create = (addr, xff) => h.post(addr, xff, '/api/v1/cases', { procedure: 'simple' });
  h.post = (addr, xff, p, body) => new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json' };
    if (xff !== undefined) headers['x-forwarded-for'] = xff;
    const req = http.request({ host: '127.0.0.1', port: h.d.port, method: 'POST', path: p,
      localAddress: addr, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let body;
        try { body = JSON.parse(text); } catch { body = undefined; }
        resolve({ status: res.statusCode, text, body, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])) });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
  h.ok = async (addr, xff, what) => assert.equal((await h.create(addr, xff)).status, 201, what);
  h.refused = async (addr, xff, what) => assertError(await h.create(addr, xff), 429, 'too_many_cases', what);
  return h;
}

describe('an X-Forwarded-For from a peer that is not a trusted proxy is ignored', () => {
  // 2 in a row per address; the proxy trusted is 127.0.0.2, not the sender
  const h = useDaemon(['--case-quota', '2/1,100/1', '--trusted-proxy', '127.0.0.2']);

  it('a client that makes up a new X-Forwarded-For each time is still one address', async () => {
    await h.ok('127.0.0.1', '10.0.0.1', 'first');
    await h.ok('127.0.0.1', '10.0.0.2', 'second');
    await h.refused('127.0.0.1', '10.0.0.3', 'a third from 127.0.0.1, whatever its header says');
    await h.refused('127.0.0.1', undefined, 'and without it');
  });

  it('the same header from the trusted proxy names a client of its own', async () => {
    await h.ok('127.0.0.2', '10.0.0.3', 'through the proxy');
  });
});

describe('behind a trusted proxy the quota is per forwarded client', () => {
  const h = useDaemon(['--case-quota', '2/1,100/1', '--trusted-proxy', '127.0.0.1',
    '--trusted-proxy', '10.9.0.0/16']);

  it('one client exhausting its quota does not refuse another behind the same proxy', async () => {
    await h.ok('127.0.0.1', '10.0.0.1', 'a first');
    await h.ok('127.0.0.1', '10.0.0.1', 'a second');
    await h.refused('127.0.0.1', '10.0.0.1', 'a third from 10.0.0.1');
    await h.ok('127.0.0.1', '10.0.0.2', 'another client');
    await h.ok('127.0.0.1', '10.0.0.2', 'another client, again');
    await h.refused('127.0.0.1', '10.0.0.2', 'its third');
  });

  it('what the client wrote before the proxy appended its address does not count', async () => {
    // the client 10.0.0.1 (out of quota) sends X-Forwarded-For: 10.0.0.7
    await h.refused('127.0.0.1', '10.0.0.7, 10.0.0.1', 'a spoofed left-most entry');
    await h.refused('127.0.0.1', ['10.0.0.7', '10.0.0.1'], 'a spoofed header line before the proxy\'s');
    // a chain of trusted proxies is walked through to the client
    await h.refused('127.0.0.1', '10.0.0.7, 10.0.0.1, 10.9.3.3', 'through a second trusted proxy');
    await h.ok('127.0.0.1', '10.0.0.1, 10.0.0.7', 'the client the proxy names is 10.0.0.7');
    // IPv6 clients, with or without brackets and port, are one /64
    await h.ok('127.0.0.1', '[2001:db8:1:2::5]:4431', 'an IPv6 client');
    await h.ok('127.0.0.1', '2001:db8:1:2::6', 'its /64');
    await h.refused('127.0.0.1', '2001:db8:1:2::7', 'its /64 is out');
  });

  it('the login throttle counts the pair of name and forwarded client', async () => {
    addUser(h.db, 'chen', 'staff', 'chen-pass-1');
    const login = (xff, password) => h.post('127.0.0.1', xff, '/api/v1/login', { name: 'chen', password });
    for (let i = 0; i < 5; i++)
      assert.equal((await login('10.0.0.21', `wrong-${i}-xx`)).status, 401, `failure ${i + 1}`);
    assertError(await login('10.0.0.21', 'chen-pass-1'), 429, 'too_many_attempts', 'the guesser waits');
    assertError(await login('10.0.0.20, 10.0.0.21', 'chen-pass-1'), 429, 'too_many_attempts',
      'whatever it puts in front');
    assert.equal((await login('10.0.0.22', 'chen-pass-1')).status, 200, 'chen logs in from another client');
  });

  it('a missing or unreadable header counts against the proxy itself', async () => {
    await h.ok('127.0.0.1', undefined, 'no header');
    await h.ok('127.0.0.1', 'unknown', 'not an address: the proxy');
    await h.refused('127.0.0.1', '10.0.0.5, garbage', 'junk where the client should be: the proxy');
    await h.refused('127.0.0.1', '', 'empty: the proxy');
    // all trusted and more than the 16 read: the proxy
    await h.refused('127.0.0.1', Array(20).fill('10.9.0.1').join(','), '20 trusted hops');
    // an entry longer than 64 bytes is junk
    await h.refused('127.0.0.1', `10.0.0.1,${' '.repeat(70)}10.0.0.8`, 'an over-long entry');
    // an over-long header: only its right end is read
    await h.ok('127.0.0.1', `${'x'.repeat(6000)}, 10.0.0.9`, 'a client after 6000 bytes of junk');
    await h.ok('127.0.0.1', ['y'.repeat(3000), 'z'.repeat(3000), '10.0.0.10'], 'after long lines');
    await h.ok('127.0.0.1', [`${'y'.repeat(3000)},10.0.0.11`], 'one long line');
    await h.ok('127.0.0.1', '10.0.0.1,10.0.0.11', 'that client\'s second');
    await h.refused('127.0.0.1', '10.0.0.11', 'and its third');
  });
});

function openFrom(port, localAddress) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    s.ended = false;
    s.on('close', () => { s.ended = true; });
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

// a GET on an open socket: the status, or null when it was closed instead
function getOn(s) {
  return new Promise((resolve) => {
    if (s.ended) { resolve(null); return; }
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d) => {
      got += d;
      const m = /^HTTP\/1\.1 (\d+)/.exec(got);
      if (m) resolve(Number(m[1]));
    });
    s.on('close', () => resolve(null));
    s.write('GET /api/v1/categories HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });
}

describe('the proxy is not cut at --max-per-address (--max-connections 16 --max-per-address 4)', () => {
  let tmp, d;
  const socks = [];
  before(async () => {
    tmp = makeTmp();
    d = await startDaemon({
      db: path.join(tmp, 'x.db'),
      args: ['--max-connections', '16', '--max-per-address', '4', '--header-timeout', '60',
        '--threads', '1', '--trusted-proxy', '127.0.0.1'],
    });
  });
  after(async () => {
    for (const s of socks) s.destroy();
    if (d) assert.equal((await d.stop()).code, 0);
    rmTmp(tmp);
  });

  it('eight connections from the proxy are all answered', async () => {
    const mine = [];
    for (let i = 0; i < 8; i++) mine.push(await openFrom(d.port, '127.0.0.1'));
    socks.push(...mine);
    await sleep(300);
    assert.equal(mine.filter((s) => s.ended).length, 0, 'a connection of the proxy was closed');
    const statuses = await Promise.all(mine.map(getOn));
    assert.deepEqual(statuses, Array(8).fill(200));
  });

  // The count is of the connections open now: a slot freed by a close
  // keeps the address it had, and counting it too refused an address its
  // next connections once it had held four (a mutation review of
  // src/conns.c). Connection: close: the daemon closes each, and has freed
  // its slot before the socket ends.
  it('an address whose four connections were closed is let in four times again', async () => {
    const round = () => Promise.all([0, 1, 2, 3].map(async () => {
      const s = await openFrom(d.port, '127.0.0.3');
      let got = '';
      s.setEncoding('utf8');
      s.on('data', (x) => { got += x; });
      s.write('GET /api/v1/categories HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      await new Promise((resolve) => (s.ended ? resolve() : s.on('close', resolve)));
      const m = /^HTTP\/1\.1 (\d+)/.exec(got);
      return m ? Number(m[1]) : null;
    }));
    assert.deepEqual(await round(), Array(4).fill(200));
    assert.deepEqual(await round(), Array(4).fill(200), 'the closed four still counted');
  });

  it('another address still stops at four', async () => {
    const theirs = [];
    for (let i = 0; i < 6; i++) theirs.push(await openFrom(d.port, '127.0.0.2'));
    socks.push(...theirs);
    const statuses = await Promise.all(theirs.map(getOn));
    assert.equal(statuses.filter((s) => s === 200).length, 4, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === null).length, 2, JSON.stringify(statuses));
    for (const s of socks) s.destroy();
    await d.stop();
    assert.match(d.stderr(), /refused [12] connection\(s\) over --max-connections or --max-per-address/);
    d = null;
  });
});
