// The Host header against DNS rebinding (issue #12, item 9): a request
// naming another host gets 421 on every route, before any guard; the
// listen address, localhost, IP addresses, the --public-url host and each
// --host NAME are served, and so is a request without Host (HTTP/1.0).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startDaemon, makeTmp, stopChecked, rawRequest, rawJSON, BIN } from './helpers.mjs';

const get = (port, p, host) =>
  rawRequest(port, `GET ${p} HTTP/1.1\r\n${host === null ? '' : `Host: ${host}\r\n`}Connection: close`);

describe('Host header', () => {
  let d;
  let tmp;

  test('start with --host kiosk.hall and a --public-url', async () => {
    tmp = makeTmp();
    d = await startDaemon({ db: path.join(tmp, 'x.db'),
      args: ['--host', 'kiosk.hall', '--public-url', 'https://bsfw.example.org:8443/'] });
  });

  test('another name gets 421 on every route, even one that needs a login', async () => {
    for (const [p, host] of [
      ['/api/v1/procedures', 'evil.example'],
      ['/api/v1/procedures', `evil.example:${d.port}`],
      ['/', 'evil.example'],
      ['/staff', 'rebind.attacker.test'],
      ['/api/v1/staff/queue', 'evil.example'],
      ['/api/v1/procedures', 'kiosk.hall.evil.example'],
      ['/api/v1/procedures', 'localhost.evil.example'],
      ['/api/v1/procedures', ''],
      ['/api/v1/procedures', '::1'],
      ['/no/such/route', 'evil.example'],
    ]) {
      const r = await get(d.port, p, host);
      assert.equal(r.status, 421, `${p} Host ${host}`);
      const e = rawJSON(r).error;
      assert.equal(e.code, 'misdirected');
      assert.match(e.message, /地址/);
    }
    const post = await rawRequest(d.port, 'POST /api/v1/login HTTP/1.1\r\nHost: evil.example\r\n' +
      'Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close', '{}');
    assert.equal(post.status, 421);
  });

  test('the listen address, localhost, IP addresses and the configured names are served', async () => {
    for (const host of [`127.0.0.1:${d.port}`, '127.0.0.1', `localhost:${d.port}`, 'LOCALHOST.',
      '192.168.1.20:8080', '[::1]', `[::1]:${d.port}`, 'kiosk.hall', `Kiosk.Hall:${d.port}`,
      'bsfw.example.org:8443']) {
      assert.equal((await get(d.port, '/api/v1/procedures', host)).status, 200, host);
    }
    // the staff route still asks for a login: the host check came first and passed
    assert.equal((await get(d.port, '/api/v1/staff/queue', 'kiosk.hall')).status, 401);
    // HTTP/1.0 without Host
    const old = await rawRequest(d.port, 'GET /api/v1/procedures HTTP/1.0');
    assert.equal(old.status, 200);
  });

  test('stop', async () => {
    await stopChecked(d, tmp);
  });
});

test('--host takes a name', () => {
  for (const v of ['evil example', 'a/b', '', 'x'.repeat(254)]) {
    const r = spawnSync(BIN, ['serve', '--host', v], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 2, v);
    assert.match(r.stderr, /--host takes a name/);
  }
});
