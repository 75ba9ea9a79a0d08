// HTTPS in the daemon (issue #12, item 11): `serve --tls-cert --tls-key`
// serves the same API over TLS (libmicrohttpd with GnuTLS), every answer
// says Strict-Transport-Security, the session cookie is Secure without
// --secure-cookies, plain HTTP on the TLS port gets no answer, and
// `--redirect-http` answers every plain request 308 to the same page over
// HTTPS. The certificate is made here with openssl for 127.0.0.1, as a
// hall makes its own (docs/deployment.md), and trusted by this test only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import path from 'node:path';
import { BIN, FIXTURE_TREE, addUser, makeTmp, sleep, startDaemon, stopChecked } from './helpers.mjs';

const PW = 'correct-horse-9';
let tmp;
let d;
let ca;
let redirectPort;

// One request over https trusting our certificate; {status, headers, body}.
function get(url, { method = 'GET', body = null, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.request(url, { method, ca, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    if (body) req.write(body);
    req.end();
  });
}

before(async () => {
  tmp = makeTmp();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', path.join(tmp, 'key.pem'), '-out', path.join(tmp, 'cert.pem'), '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  ca = fs.readFileSync(path.join(tmp, 'cert.pem'));
  const db = path.join(tmp, 'x.db');
  d = await startDaemon({
    db, tree: FIXTURE_TREE,
    args: ['--tls-cert', path.join(tmp, 'cert.pem'), '--tls-key', path.join(tmp, 'key.pem'),
      '--redirect-http', '127.0.0.1:0'],
  });
  // printed right after the listening line
  for (let i = 0; i < 100 && !/redirecting/.test(d.stderr()); i++) await sleep(50);
  redirectPort = Number(/redirecting http:\/\/127\.0\.0\.1:(\d+) to https/.exec(d.stderr())[1]);
  addUser(db, 'clerk', 'staff', PW);
});
after(() => stopChecked(d, tmp));

describe('serve over TLS', () => {
  it('serves the API over HTTPS, with Strict-Transport-Security', async () => {
    assert.match(d.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await get(`${d.url}/api/v1/categories`);
    assert.equal(r.status, 200, r.text);
    assert.ok(JSON.parse(r.text).categories.length > 0);
    assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
  });

  it('gives a Secure session cookie at login without --secure-cookies', async () => {
    const r = await get(`${d.url}/api/v1/login`, {
      method: 'POST',
      body: JSON.stringify({ name: 'clerk', password: PW }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(r.status, 200, r.text);
    const cookie = [].concat(r.headers['set-cookie'] || []).join('\n');
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /; Secure/);
  });

  it('answers nothing to plain HTTP on the TLS port', async () => {
    await assert.rejects(get(d.url.replace('https:', 'http:') + '/api/v1/categories'));
  });

  it('--redirect-http sends every plain request to the same page over HTTPS', async () => {
    const port = d.url.split(':')[2];
    let r = await get(`http://127.0.0.1:${redirectPort}/staff?kiosk=1&q=${encodeURIComponent('劳动 手册')}`);
    assert.equal(r.status, 308);
    assert.equal(r.headers.location, `https://127.0.0.1:${port}/staff?kiosk=1&q=%E5%8A%B3%E5%8A%A8%20%E6%89%8B%E5%86%8C`);
    assert.equal(r.headers['strict-transport-security'], undefined, 'HSTS is for HTTPS answers');
    r = await get(`http://127.0.0.1:${redirectPort}/api/v1/cases`, {
      method: 'POST', body: '{"procedure":"x"}', headers: { 'Content-Type': 'application/json', Host: 'kiosk.hall:80' },
    });
    assert.equal(r.status, 308);
    assert.equal(r.headers.location, `https://kiosk.hall:${port}/api/v1/cases`);
    r = await get(`http://127.0.0.1:${redirectPort}/`, { headers: { Host: 'bad host<>' } });
    assert.equal(r.status, 400);
  });

  // libmicrohttpd gives the path decoded: written back as it came, a %3F
  // became a query, a %23 a fragment and a %25 a broken escape, so the page
  // asked for over HTTPS was another one (a media file named 办事 #2.pdf)
  it('--redirect-http keeps the path as it was sent, its escapes encoded again', async () => {
    const port = d.url.split(':')[2];
    const r = await get(`http://127.0.0.1:${redirectPort}/media/a%3Fb%23c%25d%20%E5%9B%BE/e.pdf?x=1`);
    assert.equal(r.status, 308);
    assert.equal(r.headers.location,
      `https://127.0.0.1:${port}/media/a%3Fb%23c%25d%20%E5%9B%BE/e.pdf?x=1`);
  });

  // docs/http-api.md: a Location past 4 KiB is 414, by a long path as by a
  // long query
  it('--redirect-http answers 414 past 4 KiB, by the path or the query', async () => {
    let r = await get(`http://127.0.0.1:${redirectPort}/${'p'.repeat(5000)}`);
    assert.equal(r.status, 414);
    assert.equal(r.headers.location, undefined);
    r = await get(`http://127.0.0.1:${redirectPort}/?q=${'q'.repeat(5000)}`);
    assert.equal(r.status, 414);
  });
});

describe('serve refuses a half TLS configuration', () => {
  const serve = (...args) => spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(tmp, 'y.db'),
    ...args], { encoding: 'utf8', timeout: 10_000 });

  it('a certificate without a key, a redirect without TLS, a file that is not PEM', () => {
    let r = serve('--tls-cert', path.join(tmp, 'cert.pem'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--tls-cert and --tls-key go together/);
    r = serve('--redirect-http', '127.0.0.1:0');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs --tls-cert/);
    fs.writeFileSync(path.join(tmp, 'not.pem'), 'hello');
    r = serve('--tls-cert', path.join(tmp, 'not.pem'), '--tls-key', path.join(tmp, 'key.pem'),
      '--procedures', FIXTURE_TREE);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not a PEM file/);
  });
});
