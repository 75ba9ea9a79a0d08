// The web UI served from a folder (--web, for UI work): no test started the
// daemon with it. Each file is read from disk per request, so an edit shows
// on reload; a page keeps the pages' security headers; nothing is hashed or
// cached for a year; the name rules of the embedded copy hold.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startDaemon, makeTmp, rmTmp, writeTree, request } from './helpers.mjs';

describe('--web: the UI from a folder', () => {
  let tmp, web, d;
  before(async () => {
    tmp = makeTmp();
    web = path.join(tmp, 'web');
    writeTree(web, {
      'index.html': '<!doctype html><title>dev</title><script src="/assets/app.js"></script>\n',
      'app.js': 'console.log(1);\n',
      'sub/.hidden': 'x',
    });
    d = await startDaemon({ db: path.join(tmp, 'x.db'), args: ['--web', web] });
  });
  after(async () => {
    if (d) assert.equal((await d.stop()).code, 0);
    rmTmp(tmp);
  });

  it('serves the folder\'s page with the pages\' headers, revalidated', async () => {
    const r = await request(`${d.url}/`);
    assert.equal(r.status, 200);
    assert.equal(r.text, fs.readFileSync(path.join(web, 'index.html'), 'utf8'), 'the folder\'s, not the built-in page');
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
  });

  it('serves a file by its plain name, an edit on the next request, 304 for its ETag', async () => {
    const a = await request(`${d.url}/assets/app.js`);
    assert.equal(a.status, 200);
    assert.equal(a.text, 'console.log(1);\n');
    assert.equal(a.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(a.headers.get('cache-control'), 'no-cache');
    const again = await request(`${d.url}/assets/app.js`, { headers: { 'If-None-Match': a.headers.get('etag') } });
    assert.equal(again.status, 304);
    fs.writeFileSync(path.join(web, 'app.js'), 'console.log(22);\n');
    const b = await request(`${d.url}/assets/app.js`, { headers: { 'If-None-Match': a.headers.get('etag') } });
    assert.equal(b.status, 200);
    assert.equal(b.text, 'console.log(22);\n');
  });

  it('404s a hidden file, a missing one and a way out of the folder', async () => {
    for (const p of ['/assets/sub/.hidden', '/assets/nothing.js', '/assets/..%2Fx.db']) {
      assert.equal((await request(`${d.url}${p}`)).status, 404, p);
    }
  });
});
