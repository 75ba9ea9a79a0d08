// The admin console's read side: who may call the admin routes, the list of
// procedure files with their state (errors with file and line, review
// dates, retired files, problems of READMEs and _triage.md), a file's
// source with its ETag, the preview that renders without saving, /admin.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { assertError, request } from './helpers.mjs';
import {
  entry, eventually, file, get, list, preview, proc, putSource, readFile, sha256, useAdminDaemon,
} from './admin-helpers.mjs';

const ONE = proc('第一版', { front: 'version: v1\nreview_by: 2020-01-01\n' });
const BAD = proc('坏的', { extra: '- [ ] \n' }); // line 7: an empty checklist item
const h = useAdminDaemon({
  'alpha/README.md': '# 甲类\n\n甲。\n',
  'alpha/one.md': ONE,
  'alpha/two.md': proc('第二项'),
  'alpha/bad.md': BAD,
  'beta/three.md': proc('第三项'),
  '_triage.md': '# 不知道办什么\n',
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('who may use the admin routes', () => {
  const calls = [
    ['GET list', (s) => get(h, '/api/v1/admin/procedures', s)],
    ['GET source', (s) => get(h, '/api/v1/admin/procedures/one/source', s)],
    ['PUT source', (s) => putSource(h, 'one', proc('改'), { 'If-Match': `"${sha256(ONE)}"` }, { session: s })],
    ['POST preview', (s) => preview(h, '?id=one', proc('改'), { session: s })],
  ];

  it('refuses every route without a session (401)', async () => {
    for (const [what, call] of calls) assertError(await call(null), 401, 'not_logged_in', what);
  });

  it('refuses a staff user (403)', async () => {
    for (const [what, call] of calls) assertError(await call(h.staff), 403, 'forbidden', what);
  });

  it('refuses a save and a preview without the CSRF token (403), and writes nothing', async () => {
    const noCsrf = { Cookie: h.admin.cookie, 'Content-Type': 'text/markdown' };
    let r = await request(`${h.daemon.url}/api/v1/admin/procedures/one/source`, {
      method: 'PUT', headers: { ...noCsrf, 'If-Match': `"${sha256(ONE)}"` }, body: proc('改'),
    });
    assertError(r, 403, 'csrf_failed', 'PUT without CSRF');
    r = await request(`${h.daemon.url}/api/v1/admin/procedures/one/source`, {
      method: 'PUT', body: proc('改'),
      headers: { ...noCsrf, 'If-Match': `"${sha256(ONE)}"`, 'X-CSRF-Token': 'x'.repeat(43) },
    });
    assertError(r, 403, 'csrf_failed', 'PUT with a wrong CSRF token');
    r = await request(`${h.daemon.url}/api/v1/admin/preview?id=one`, {
      method: 'POST', headers: noCsrf, body: proc('改'),
    });
    assertError(r, 403, 'csrf_failed', 'preview without CSRF');
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
  });

  it('serves the /admin page to anyone (it asks for the login itself)', async () => {
    const r = await request(`${h.daemon.url}/admin`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(r.text, /<script type="module" src="\/assets\/admin\.[0-9a-f]{8}\.js"><\/script>/);
  });

  it('answers 405 for other methods on the admin routes', async () => {
    const r = await request(`${h.daemon.url}/api/v1/admin/procedures/one/source`, { method: 'DELETE' });
    assertError(r, 405, 'method_not_allowed');
    assert.match(r.headers.get('allow'), /GET.*PUT|PUT.*GET/);
  });
});

describe('the list of procedure files', () => {
  it('shows a loaded file with its live version, review date and warnings', async () => {
    const doc = await list(h);
    assert.match(doc.today, /^\d{4}-\d\d-\d\d$/);
    const one = entry(doc, 'one');
    assert.equal(one.file, 'alpha/one.md');
    assert.equal(one.category, 'alpha');
    assert.equal(one.title, '第一版');
    assert.equal(one.kind, 'procedure');
    assert.equal(one.state, 'ok');
    assert.equal(one.file_hash, sha256(ONE));
    assert.equal(one.live.hash, sha256(ONE));
    assert.equal(one.live.version, 'v1');
    assert.equal(one.version, 'v1', 'the loaded version, flat');
    assert.match(one.live.loaded_at, ISO);
    assert.match(one.modified_at, ISO);
    assert.equal(one.review_by, '2020-01-01');
    assert.equal(one.review_overdue, true);
    assert.deepEqual(one.errors, []);
    assert.equal(one.warnings.length, 1);
    assert.equal(one.warnings[0].file, 'alpha/one.md');
    assert.equal(one.warnings[0].line, 3);
    assert.match(one.warnings[0].message, /review_by 已过/);
    const two = entry(doc, 'two');
    assert.equal(two.review_by, null);
    assert.equal(two.review_overdue, false);
    assert.equal(two.live.version, null);
  });

  it('shows a file that never loaded with its error, file and line', async () => {
    const bad = entry(await list(h), 'bad');
    assert.equal(bad.state, 'error_not_live');
    assert.equal(bad.live, null);
    assert.equal(bad.version, null);
    assert.equal(bad.title, null);
    assert.equal(bad.file_hash, sha256(BAD));
    assert.equal(bad.errors.length, 1);
    assert.deepEqual({ ...bad.errors[0], message: '' }, { file: 'alpha/bad.md', line: 7, message: '' });
    assert.match(bad.errors[0].message, /清单项/);
  });

  it('lists README and _triage.md problems apart, with file, line and severity', async () => {
    const { problems } = await list(h);
    const triage = problems.find((p) => p.file === '_triage.md');
    assert.ok(triage, JSON.stringify(problems));
    assert.equal(triage.severity, 'error');
    assert.equal(triage.line, 1);
    const beta = problems.find((p) => p.file === 'beta');
    assert.ok(beta, JSON.stringify(problems));
    assert.equal(beta.severity, 'warning');
    assert.match(beta.message, /README/);
  });

  it('a file broken on disk keeps its last good version live and shows its error', async () => {
    const good = readFile(h, 'alpha/two.md');
    const broken = proc('第二项坏了', { extra: '- [ ] \n' });
    fs.writeFileSync(file(h, 'alpha/two.md'), broken);
    await eventually(h, async () => entry(await list(h), 'two').state === 'error_old_live', 'the broken edit');
    const two = entry(await list(h), 'two');
    assert.equal(two.live.hash, sha256(good));
    assert.equal(two.file_hash, sha256(broken));
    assert.equal(two.title, '第二项');
    assert.deepEqual(two.errors.map((e) => [e.file, e.line]), [['alpha/two.md', 7]]);
    const pub = await request(`${h.daemon.url}/api/v1/procedures/two`);
    assert.equal(pub.body.hash, sha256(good));
    fs.writeFileSync(file(h, 'alpha/two.md'), good);
    await eventually(h, async () => entry(await list(h), 'two').state === 'ok', 'the fix');
  });

  it('a deleted file shows as retired', async () => {
    fs.rmSync(file(h, 'beta/three.md'));
    await eventually(h, async () => entry(await list(h), 'three')?.state === 'retired', 'the retirement');
    const three = entry(await list(h), 'three');
    assert.equal(three.file, 'beta/three.md');
    assert.equal(three.live, null);
    assert.equal(three.retired.hash, sha256(proc('第三项')));
    assert.match(three.retired.retired_at, ISO);
    assertError(await get(h, '/api/v1/admin/procedures/three/source'), 404, 'unknown_procedure');
    assertError(await get(h, '/api/v1/admin/procedures/three/source?file=beta/three.md'), 404,
      'file_not_found');
  });
});

describe('a file\'s source', () => {
  it('is the Markdown on disk with its hash as ETag', async () => {
    const r = await get(h, '/api/v1/admin/procedures/one/source');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/markdown; charset=utf-8');
    assert.equal(r.headers.get('etag'), `"${sha256(ONE)}"`);
    assert.equal(r.text, ONE);
  });

  it('of a file that never loaded can be opened too', async () => {
    const r = await get(h, '/api/v1/admin/procedures/bad/source?file=alpha/bad.md');
    assert.equal(r.status, 200);
    assert.equal(r.text, BAD);
  });

  // A GBK file opened in the editor showed as U+FFFD, and a save wrote them
  // over the Chinese for good (an admin's review): it is not opened. A file
  // only cut inside its last character opens (that character is lost).
  it('of a file that is not UTF-8 is refused, saying how to save it', async () => {
    const f = file(h, 'alpha/two.md');
    const before = fs.readFileSync(f);
    try {
      // # 办理 in GBK, then a step
      fs.writeFileSync(f, Buffer.concat([Buffer.from('# '), Buffer.from([0xb0, 0xec, 0xc0, 0xed]),
        Buffer.from('\n\n## 第一步\n- [ ] 身份证\n')]));
      const r = await get(h, '/api/v1/admin/procedures/two/source?file=alpha/two.md');
      assertError(r, 409, 'file_not_utf8');
      assert.match(r.body.error.message, /GBK.*另存为.*UTF-8/);
      const cut = Buffer.from(proc('第二项'));
      fs.writeFileSync(f, Buffer.concat([cut, Buffer.from('尾巴').subarray(0, 4)]));
      const c = await get(h, '/api/v1/admin/procedures/two/source?file=alpha/two.md');
      assert.equal(c.status, 200, c.text);
    } finally {
      fs.writeFileSync(f, before);
    }
  });

  // the editor would have to load it whole into a text box: it is split
  // on the server instead (docs/http-api.md)
  it('of a file over 1 MiB is refused (409 file_unreadable), saying so', async () => {
    const f = file(h, 'alpha/two.md');
    const before = fs.readFileSync(f);
    try {
      fs.writeFileSync(f, proc('第二项', { extra: `\n${'很长的说明。'.repeat(70_000)}\n` }));
      const r = await get(h, '/api/v1/admin/procedures/two/source?file=alpha/two.md');
      assertError(r, 409, 'file_unreadable');
      assert.match(r.body.error.message, /超过 1 兆字节/);
    } finally {
      fs.writeFileSync(f, before);
    }
  });

  it('is 404 for an unknown id, or a file that is not that procedure\'s', async () => {
    assertError(await get(h, '/api/v1/admin/procedures/nope/source'), 404, 'unknown_procedure');
    assertError(await get(h, '/api/v1/admin/procedures/one/source?file=alpha/two.md'), 404,
      'unknown_procedure');
    assertError(await get(h, '/api/v1/admin/procedures/one/source?file=../one.md'), 404,
      'unknown_procedure');
  });

  // An empty ?file= is no file given: the id finds the file, as without it.
  it('with an empty ?file= is found by its id', async () => {
    const r = await get(h, '/api/v1/admin/procedures/one/source?file=');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, ONE);
  });

  // ?category= names where a new file would go: opening a source never
  // makes up a file there for an id no file has.
  it('is 404 for an unknown id even with a category', async () => {
    assertError(await get(h, '/api/v1/admin/procedures/nope/source?category=alpha'), 404,
      'unknown_procedure');
  });
});

describe('the preview', () => {
  it('lists errors with line and severity, renders nothing, writes nothing', async () => {
    const text = proc('预览坏了', { extra: '- [ ] \n' });
    const r = await preview(h, '?id=one', text);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, false);
    assert.equal(r.body.procedure, null);
    assert.equal(r.body.file, 'alpha/one.md');
    assert.deepEqual(r.body.errors.map((e) => [e.line, e.severity]), [[7, 'error']]);
    assert.match(r.body.errors[0].message, /清单项/);
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
  });

  it('renders a good text as the public API would, with its warnings, writing nothing', async () => {
    const text = proc('预览版', { front: 'review_by: 2020-02-02\n' });
    const r = await preview(h, '?id=one', text);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, true);
    assert.equal(r.body.hash, sha256(text));
    assert.equal(r.body.procedure.id, 'one');
    assert.equal(r.body.procedure.title, '预览版');
    assert.equal(r.body.procedure.hash, sha256(text));
    assert.equal(r.body.procedure.steps[0].checklist[0].text, '身份证');
    assert.deepEqual(r.body.errors.map((e) => [e.line, e.severity]), [[2, 'warning']]);
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
    const pub = await request(`${h.daemon.url}/api/v1/procedures/one`);
    assert.equal(pub.body.title, '第一版');
  });

  it('shows the window guidance ({staff}) per step, which the procedure JSON never has', async () => {
    const text = proc('带窗口提示', { extra: '\n> 核对原件后在台账登记。 {staff}\n\n> 请带好原件。\n' });
    const r = await preview(h, '?id=one', text);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, true, JSON.stringify(r.body.errors));
    assert.equal(r.body.staff_guidance.length, r.body.procedure.steps.length);
    const last = r.body.staff_guidance[r.body.staff_guidance.length - 1];
    assert.match(last, /核对原件后在台账登记/);
    assert.doesNotMatch(last, /\{staff\}/);
    assert.ok(!JSON.stringify(r.body.procedure).includes('台账'), 'not in the public shape');
    assert.match(JSON.stringify(r.body.procedure), /请带好原件/);
    const bad = await preview(h, '?id=one', '坏');
    assert.equal(bad.body.staff_guidance, null);
  });

  it('checks a new file of a category without creating it', async () => {
    const r = await preview(h, '?id=fresh&category=alpha', proc('新事项'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, true);
    assert.equal(r.body.file, 'alpha/fresh.md');
    assert.equal(r.body.procedure.id, 'fresh');
    assert.equal(fs.existsSync(file(h, 'alpha/fresh.md')), false);
  });

  it('runs the checks across files: an id another file has is an error', async () => {
    const r = await preview(h, '?id=fresh&category=alpha', proc('冒名', { front: 'id: two\n' }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, false);
    assert.ok(r.body.errors.some((e) => e.severity === 'error' && /two/.test(e.message) &&
      /alpha\/two\.md/.test(e.message)), JSON.stringify(r.body.errors));
  });

  // The id is the one the text gives: a text that changes it previews as
  // the procedure it would become.
  it('names the id the text gives', async () => {
    const r = await preview(h, '?id=two', proc('改名', { front: 'id: two-new\n' }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, true, JSON.stringify(r.body.errors));
    assert.equal(r.body.id, 'two-new');
    assert.equal(r.body.file, 'alpha/two.md');
  });

  it('says when the category folder does not exist', async () => {
    const r = await preview(h, '?id=fresh&category=nowhere', proc('新事项'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, false);
    assert.match(r.body.errors[0].message, /nowhere/);
  });

  it('is 404 for an unknown id without a category, 400 without an id', async () => {
    assertError(await preview(h, '?id=nope', proc('x')), 404, 'unknown_procedure');
    assertError(await preview(h, '', proc('x')), 400, 'bad_request');
    // empty is not given (as ?file= is): no id is 400, an empty special is no special
    assertError(await preview(h, '?id=', proc('x')), 400, 'bad_request');
    const r = await preview(h, '?id=one&special=', proc('第一版'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.file, 'alpha/one.md');
  });
});
