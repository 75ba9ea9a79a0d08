// Lifecycle: SIGTERM and SIGINT stop the daemon with exit status 0, and a
// restart on the same --db and tree serves the same data.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURE_TREE, startDaemon, makeTmp, rmTmp, request, getJSON, setShortcuts } from './helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): it reads what a first start says of the database it makes.
setShortcuts({ template: false, hashes: false });

let tmp;
let db;
let running = null;

before(() => {
  tmp = makeTmp();
  db = path.join(tmp, 'x.db');
});

after(async () => {
  try {
    if (running) await running.stop('SIGKILL');
  } finally {
    rmTmp(tmp);
  }
});

async function snapshot(url) {
  const s = {};
  s.healthz = await getJSON(`${url}/healthz`);
  s.categories = await getJSON(`${url}/api/v1/categories`);
  s.list = await getJSON(`${url}/api/v1/procedures`);
  s.search = {};
  for (const q of ['劳动', '证', '创业', 'juzhuzheng']) {
    s.search[q] = await getJSON(`${url}/api/v1/procedures?q=${encodeURIComponent(q)}`);
  }
  s.details = {};
  for (const p of s.list.procedures) {
    const r = await request(`${url}/api/v1/procedures/${p.id}`);
    assert.equal(r.status, 200, `${p.id}: ${r.status}`);
    s.details[p.id] = { etag: r.headers.get('etag'), body: r.body };
  }
  s.triage = await getJSON(`${url}/api/v1/triage`);
  return s;
}

const reEscape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function stopExpectZero(d, signal) {
  const info = await d.stop(signal);
  running = null;
  assert.deepEqual({ code: info.code, signal: info.signal }, { code: 0, signal: null },
    `daemon did not exit 0 on ${signal}; stderr:\n${d.stderr()}`);
}

describe('restart on the same database', () => {
  let first;
  let firstUrl;

  it('first start serves the fixture tree; SIGTERM exits 0', async () => {
    running = await startDaemon({ tree: FIXTURE_TREE, db });
    firstUrl = running.url;
    first = await snapshot(running.url);
    assert.equal(first.list.procedures.length, 7);
    const d = running;
    await stopExpectZero(running, 'SIGTERM');
    assert.ok(fs.existsSync(db), 'the database file was not created');
    // the journal says a new database was made, and which signal stopped it
    assert.match(d.stderr(), new RegExp(`^spkiosk: database: ${reEscape(db)} made at schema \\d+$`, 'm'));
    assert.match(d.stderr(), /^spkiosk: SIGTERM: stopping$/m);
  });

  it('the port is closed after the daemon stopped', async () => {
    assert.ok(firstUrl, 'first start failed');
    await assert.rejects(fetch(`${firstUrl}/healthz`));
  });

  it('second start on the same db and tree serves the same data; SIGINT exits 0', async () => {
    assert.ok(first, 'first start failed');
    running = await startDaemon({ tree: FIXTURE_TREE, db });
    const second = await snapshot(running.url);
    assert.deepEqual(second, first);
    const d = running;
    await stopExpectZero(running, 'SIGINT');
    // an existing database of this schema: neither made nor migrated
    assert.doesNotMatch(d.stderr(), /made at schema|migrated from schema/);
    assert.match(d.stderr(), /^spkiosk: SIGINT: stopping$/m);
  });

  it('a third start still serves the same data and stops with SIGTERM, exit 0', async () => {
    assert.ok(first, 'first start failed');
    running = await startDaemon({ tree: FIXTURE_TREE, db });
    const third = await snapshot(running.url);
    assert.deepEqual(third, first);
    await stopExpectZero(running, 'SIGTERM');
  });
});

describe('SIGTERM while requests are in flight', () => {
  it('exits 0 and every answered request was a complete 200', async () => {
    running = await startDaemon({ tree: FIXTURE_TREE, db });
    const url = running.url;
    const reqs = [];
    for (let i = 0; i < 20; i++) {
      reqs.push(request(`${url}/api/v1/procedures/labour-handbook`).then(
        (r) => ({ ok: true, r }), (e) => ({ ok: false, e })));
    }
    await new Promise((r) => setTimeout(r, 5));
    const d = running;
    await stopExpectZero(d, 'SIGTERM');
    const results = await Promise.all(reqs);
    for (const x of results) {
      if (!x.ok) continue; // refused after the listener closed: fine
      assert.equal(x.r.status, 200);
      assert.equal(x.r.body?.id, 'labour-handbook', 'a truncated or broken answer');
    }
  });
});
