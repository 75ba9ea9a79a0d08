// Error shapes: unknown routes, wrong methods, oversized bodies, unknown
// procedures. Every error is {"error":{"code","message"}} as JSON.
import { describe, it, after } from 'node:test';
import net from 'node:net';
import assert from 'node:assert/strict';
import { FIXTURE_TREE, request, assertError, rawRequest, rawJSON, sleep, useDaemon } from './helpers.mjs';

const ctx = useDaemon({ tree: FIXTURE_TREE });

const api = (p) => `${ctx.daemon.url}${p}`;
const MiB = 1024 * 1024;

const CRLF = Buffer.from('\r\n');

// Sends a POST with a body of `size` bytes; the headers go first and the body
// only if the daemon has not already answered from the headers.
function postSized(p, size, { chunked = false } = {}) {
  const head = [
    `POST ${p} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', 'Connection: close',
    chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`,
  ].join('\r\n');
  return rawRequest(ctx.daemon.port, head, async (sock) => {
    let answered = false;
    sock.once('data', () => { answered = true; });
    await sleep(300);
    const piece = Buffer.alloc(64 * 1024, 0x20);
    let left = size;
    while (left > 0 && !answered && !sock.destroyed) {
      const n = Math.min(left, piece.length);
      const buf = piece.subarray(0, n);
      // a chunk goes as one write: `write` returns false when the socket's
      // buffer is full but still queues the bytes, so `a && b && c` would
      // drop the rest of a chunk and libmicrohttpd would rightly answer 400
      const ok = sock.write(chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), buf, CRLF]) : buf);
      left -= n;
      if (!ok) await new Promise((r) => { sock.once('drain', r); setTimeout(r, 200); });
    }
    if (chunked && !answered && !sock.destroyed) sock.write('0\r\n\r\n');
  }, { timeoutMs: 15_000 });
}

function assertRawError(r, status, code, what) {
  assert.equal(r.status, status, `${what}: status ${r.status}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/i, `${what}: Content-Type`);
  const body = rawJSON(r);
  assert.equal(body?.error?.code, code, `${what}: ${JSON.stringify(body)}`);
  assert.equal(typeof body.error.message, 'string');
  assert.match(body.error.message, /[\u3400-\u9fff]/, `${what}: message not Chinese`);
}

describe('unknown routes', () => {
  for (const p of ['/api/v1/no-such-route', '/api/no-such-route', '/api/v2/categories',
    '/api/v1/procedures/labour-handbook/extra', '/api/v1/categories/employment/nothing']) {
    it(`GET ${p} is 404 not_found`, async () => {
      assertError(await request(api(p)), 404, 'not_found', p);
    });
  }
});

describe('wrong method', () => {
  const cases = [
    ['POST', '/healthz'],
    ['DELETE', '/api/v1/categories'],
    ['POST', '/api/v1/categories'],
    ['PUT', '/api/v1/procedures'],
    ['DELETE', '/api/v1/procedures/labour-handbook'],
    ['PATCH', '/api/v1/procedures/labour-handbook'],
    ['POST', '/api/v1/triage'],
  ];
  for (const [method, p] of cases) {
    it(`${method} ${p} is 405 method_not_allowed with an Allow header listing GET`, async () => {
      const r = await request(api(p), {
        method, headers: { 'Content-Type': 'application/json' },
        body: method === 'DELETE' ? undefined : '{}',
      });
      assertError(r, 405, 'method_not_allowed', `${method} ${p}`);
      const allow = r.headers.get('allow');
      assert.ok(allow, `${method} ${p}: no Allow header`);
      const methods = allow.split(',').map((m) => m.trim().toUpperCase());
      assert.ok(methods.includes('GET'), `Allow: ${allow}`);
      assert.ok(!methods.includes(method), `Allow lists the refused method: ${allow}`);
      // no-cache as every JSON answer (docs/http-api.md): a 405 is cacheable
      // by default, and a method an upgrade adds must not meet a kept one
      assert.equal(r.headers.get('cache-control'), 'no-cache', `${method} ${p}`);
    });
  }
});

describe('request bodies over 1 MiB', () => {
  it('POST /api/v1/cases with 1 MiB + 1 byte is 413 payload_too_large', async () => {
    assertRawError(await postSized('/api/v1/cases', MiB + 1), 413, 'payload_too_large', '1 MiB + 1');
  });

  it('POST /api/v1/cases with 4 MiB is 413 payload_too_large', async () => {
    assertRawError(await postSized('/api/v1/cases', 4 * MiB), 413, 'payload_too_large', '4 MiB');
  });

  it('a POST over 1 MiB to any /api path is 413', async () => {
    assertRawError(await postSized('/api/v1/no-such-route', 2 * MiB), 413, 'payload_too_large', 'unknown /api path');
  });

  it('a client that sends its whole body first (fetch) reads the 413, every time', async () => {
    const big = 'x'.repeat(3 * MiB);
    for (let i = 0; i < 10; i++) {
      const r = await request(api('/api/v1/cases'), {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big,
      });
      assertError(r, 413, 'payload_too_large', `try ${i}`);
    }
  });

  it('a body announced over the 4 MiB drain cap is answered at once', async () => {
    const head = ['POST /api/v1/cases HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json',
      'Connection: close', `Content-Length: ${5 * MiB}`].join('\r\n');
    const r = await rawRequest(ctx.daemon.port, head, null, { timeoutMs: 5_000 });
    assertRawError(r, 413, 'payload_too_large', 'announced 5 MiB');
  });

  it('a chunked body over 1 MiB is 413 too', async () => {
    assertRawError(await postSized('/api/v1/cases', 2 * MiB, { chunked: true }), 413, 'payload_too_large', 'chunked');
  });

  // docs/http-api.md: a chunked body still arriving after 4 MiB is cut off,
  // the connection closed without an answer (nothing to announce a size by)
  it('a chunked body still arriving past 4 MiB is closed without an answer', async () => {
    await assert.rejects(postSized('/api/v1/cases', 5 * MiB, { chunked: true }),
      /no complete HTTP response received \(0 bytes\)/);
  });

  it('a body of exactly 1 MiB is not refused as too large', async () => {
    const r = await postSized('/api/v1/cases', MiB);
    assert.notEqual(r.status, 413);
    assert.ok(r.status >= 400 && r.status < 500, `1 MiB of spaces: ${r.status}`);
  });

  it('the daemon still answers after the oversized uploads', async () => {
    const r = await request(api('/healthz'));
    assert.equal(r.status, 200);
  });
});

// libmicrohttpd keeps a request's line and headers in 16 KiB of memory per
// connection (src/http.c, HTTP_CONN_MEMORY; docs/http-api.md): what a browser
// sends is served, a block twice the size is refused by status, not dropped.
describe('request lines and headers', () => {
  const doc = '/api/v1/procedures/labour-handbook';
  it('12 KB of headers and a 12 KB query string are served', async () => {
    const pad = 'a'.repeat(12_000);
    assert.equal((await fetch(api(doc), { headers: { 'X-Pad': pad } })).status, 200);
    assert.equal((await fetch(api(`${doc}?x=${pad}`))).status, 200);
  });
  it('a 20 KB header is 431 and a 20 KB request line 414', async () => {
    const pad = 'a'.repeat(20_000);
    assert.equal((await fetch(api(doc), { headers: { 'X-Pad': pad } })).status, 431);
    assert.equal((await fetch(api(`${doc}?x=${pad}`))).status, 414);
  });
  it('the daemon still answers after them', async () => {
    assert.equal((await fetch(api(doc))).status, 200);
  });
});

describe('unknown things', () => {
  it('GET /api/v1/procedures/{unknown} is 404 unknown_procedure', async () => {
    assertError(await request(api('/api/v1/procedures/no-such-procedure')), 404, 'unknown_procedure');
  });

  it('an id that is not a slug is 404 without touching the file system', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', 'LABOUR-HANDBOOK', 'labour-handbook.md']) {
      const r = await request(api(`/api/v1/procedures/${id}`));
      assertError(r, 404, ['unknown_procedure', 'not_found'], id);
    }
  });

  it('GET /api/v1/procedures?category={unknown} is 404 unknown_category', async () => {
    assertError(await request(api('/api/v1/procedures?category=nope')), 404, 'unknown_category');
  });
});

describe('request log', () => {
  it('logs one line per request to standard error', async () => {
    const probe = `/api/v1/log-probe-${process.pid}-${Date.now()}`;
    for (let i = 0; i < 3; i++) await request(api(probe));
    let n = 0;
    for (let waited = 0; waited < 2000; waited += 100) {
      n = ctx.daemon.stderr().split('\n').filter((l) => l.includes(probe)).length;
      if (n >= 3) break;
      await sleep(100);
    }
    assert.equal(n, 3, `expected 3 log lines for ${probe}:\n${ctx.daemon.stderr().slice(-2000)}`);
  });

  // docs/deployment.md, "Monitoring": a client gone before its answer was
  // sent has aborted=true on its line (here: gone once the daemon, having
  // read the headers, asked for the body with 100 Continue)
  it('marks a request whose client went away aborted=true', async () => {
    const probe = `/api/v1/abort-probe-${process.pid}-${Date.now()}`;
    await new Promise((resolve) => {
      const s = net.connect(ctx.daemon.port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', resolve);
      s.on('data', (d) => { if (/^HTTP\/1\.1 100/.test(d.toString())) s.destroy(); });
      s.on('connect', () => {
        s.write(`POST ${probe} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          'Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n');
      });
    });
    let line;
    for (let waited = 0; waited < 5000 && !line; waited += 100) {
      line = ctx.daemon.stderr().split('\n').find((l) => l.includes(probe));
      if (!line) await sleep(100);
    }
    assert.ok(line, `no log line for ${probe}`);
    assert.match(line, / aborted=true$/, line);
  });
});
