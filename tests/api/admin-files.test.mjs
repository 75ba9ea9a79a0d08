// Editing the files that are not procedures from the admin console:
// GET/PUT /api/v1/admin/files/{name}/source for _triage, _directory and a
// category's README.md — the same If-Match (409 when stale), the same check
// before saving (422 with errors and lines, nothing written), errors the
// edit would cause in other files refused as its own, the atomic write and
// the reload (the public API serves the new text when the save answers).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertError, authHeaders, request } from './helpers.mjs';
import { get, preview, proc, readFile, sha256, useAdminDaemon } from './admin-helpers.mjs';

const DIR = '# 其他办事地点\n\n## 派出所 {#paichusuo}\n- 地址:幸福路 12 号\n- 关键词:身份证\n';
const TRIAGE = '# 分诊\n\n## 您想办什么? {#start}\n- [办身份证](_directory.md#paichusuo)\n- [第一项](alpha/one.md)\n';
const README = '---\norder: 1\n---\n# 甲类\n\n甲类事项。\n';
const h = useAdminDaemon({
  '_directory.md': DIR,
  '_triage.md': TRIAGE,
  'alpha/README.md': README,
  'alpha/one.md': proc('第一项'),
});

const src = (name) => get(h, `/api/v1/admin/files/${name}/source`);
const put = (name, body, headers = {}) => request(`${h.daemon.url}/api/v1/admin/files/${name}/source`, {
  method: 'PUT', body,
  headers: { ...authHeaders(h.admin), 'Content-Type': 'text/markdown; charset=utf-8', ...headers },
});
const pub = async (p) => (await request(`${h.daemon.url}${p}`)).body;
const leftovers = (dir = '') => fs.readdirSync(path.join(h.tree, dir)).filter((n) => n.startsWith('.'));

describe('the special files: reading', () => {
  it('GET gives each file\'s text with its hash as ETag', async () => {
    for (const [name, rel, text] of [['_directory', '_directory.md', DIR], ['_triage', '_triage.md', TRIAGE],
      ['alpha', 'alpha/README.md', README]]) {
      const r = await src(name);
      assert.equal(r.status, 200, name);
      assert.equal(r.text, text, rel);
      assert.equal(r.headers.get('etag'), `"${sha256(text)}"`);
    }
  });

  it('If-None-Match with the ETag is 304, for these and for a procedure\'s source', async () => {
    for (const p of ['/api/v1/admin/files/_triage/source', '/api/v1/admin/procedures/one/source']) {
      const first = await get(h, p);
      assert.equal(first.status, 200, p);
      const tag = first.headers.get('etag');
      const r = await request(`${h.daemon.url}${p}`, { headers: { Cookie: h.admin.cookie, 'If-None-Match': tag } });
      assert.equal(r.status, 304, p);
      assert.equal(r.headers.get('etag'), tag);
      assert.equal(r.text, '');
      const other = await request(`${h.daemon.url}${p}`, { headers: { Cookie: h.admin.cookie, 'If-None-Match': '"x"' } });
      assert.equal(other.status, 200, 'another tag gets the text');
    }
  });

  it('404 unknown_file for any other name', async () => {
    for (const name of ['_assets', 'Alpha', '_triage.md', '_x', 'a.b'])
      assertError(await src(name), 404, 'unknown_file', name);
    // a save too: its message lists the files that can be edited here
    assertError(await put('_x', '# x\n', { 'If-Match': '*' }), 404, 'unknown_file');
    // a path in the name never reaches the handler
    for (const name of ['..%2F_triage', 'alpha%2Fone'])
      assert.equal((await src(name)).status, 404, name);
  });

  // the editor's live check: ok says whether it would save (no procedure to render)
  it('the preview of one: ok without errors, not with one', async () => {
    let r = await preview(h, '?special=_triage', TRIAGE);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.ok, r.body.file, r.body.procedure], [true, '_triage.md', null]);
    r = await preview(h, '?special=_triage', TRIAGE.replace('alpha/one.md', 'alpha/none.md'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, false);
  });

  it('needs an admin session', async () => {
    assert.equal((await get(h, '/api/v1/admin/files/_triage/source', h.staff)).status, 403);
    assert.equal((await get(h, '/api/v1/admin/files/_triage/source', null)).status, 401);
  });
});

describe('the special files: saving', () => {
  it('_directory.md: a valid edit is written and served at once', async () => {
    const text = DIR + '\n## 医保中心 {#yibao}\n- 地址:健康路 8 号\n';
    const r = await put('_directory', text, { 'If-Match': `"${sha256(DIR)}"` });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual({ id: r.body.id, file: r.body.file, hash: r.body.hash, live: r.body.live },
      { id: '_directory', file: '_directory.md', hash: sha256(text), live: true });
    assert.equal(readFile(h, '_directory.md'), text);
    assert.deepEqual((await pub('/api/v1/directory')).offices.map((o) => o.id), ['paichusuo', 'yibao']);
    assert.deepEqual(leftovers(), []);
  });

  it('_directory.md: an error is 422 with its line, nothing written', async () => {
    const before = readFile(h, '_directory.md');
    const r = await put('_directory', '# 其他办事地点\n\n## 派出所 {#paichusuo}\n- \n',
      { 'If-Match': `"${sha256(before)}"` });
    assertError(r, 422, 'invalid_procedure');
    assert.ok(r.body.errors.some((e) => e.line === 4), JSON.stringify(r.body.errors));
    assert.equal(readFile(h, '_directory.md'), before);
  });

  it('_directory.md: removing an office the triage links to is refused (422, says where)', async () => {
    const before = readFile(h, '_directory.md');
    const r = await put('_directory', '# 其他办事地点\n\n## 医保中心 {#yibao}\n- 地址:健康路 8 号\n',
      { 'If-Match': `"${sha256(before)}"` });
    assertError(r, 422, 'invalid_procedure');
    assert.ok(r.body.errors.some((e) => e.line === 1 && e.message.includes('_triage.md')),
      JSON.stringify(r.body.errors));
    assert.equal(readFile(h, '_directory.md'), before);
  });

  it('_directory.md: a stale If-Match is 409, nothing written', async () => {
    const before = readFile(h, '_directory.md');
    assertError(await put('_directory', DIR, { 'If-Match': `"${sha256(DIR)}"` }), 409, 'file_changed');
    assert.equal(readFile(h, '_directory.md'), before);
  });

  it('_triage.md: valid (served at once), invalid (422 with line), stale (409)', async () => {
    const text = TRIAGE.replace('# 分诊', '# 您要办什么');
    let r = await put('_triage', text, { 'If-Match': `"${sha256(TRIAGE)}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal((await pub('/api/v1/triage')).title, '您要办什么');
    r = await put('_triage', text.replace('alpha/one.md', 'alpha/none.md'), { 'If-Match': `"${sha256(text)}"` });
    assertError(r, 422, 'invalid_procedure');
    assert.ok(r.body.errors.some((e) => e.line === 5), JSON.stringify(r.body.errors));
    assert.equal(readFile(h, '_triage.md'), text);
    assertError(await put('_triage', TRIAGE, { 'If-Match': `"${sha256(TRIAGE)}"` }), 409, 'file_changed');
    assert.equal(readFile(h, '_triage.md'), text);
  });

  it('a category\'s README.md: valid (served at once), invalid (422 with line), stale (409)', async () => {
    const text = README.replace('# 甲类', '# 甲类事项');
    let r = await put('alpha', text, { 'If-Match': `"${sha256(README)}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.file, 'alpha/README.md');
    assert.equal((await pub('/api/v1/categories')).categories[0].title, '甲类事项');
    r = await put('alpha', text.replace('order: 1', 'order: x'), { 'If-Match': `"${sha256(text)}"` });
    assertError(r, 422, 'invalid_procedure');
    assert.ok(r.body.errors.some((e) => e.line === 2), JSON.stringify(r.body.errors));
    assert.equal(readFile(h, 'alpha/README.md'), text);
    assertError(await put('alpha', README, { 'If-Match': `"${sha256(README)}"` }), 409, 'file_changed');
    assert.deepEqual(leftovers('alpha'), []);
  });

  it('a category folder that does not exist cannot get a README (422)', async () => {
    const r = await put('beta', README, { 'If-None-Match': '*' });
    assertError(r, 422, 'invalid_procedure');
    assert.ok(!fs.existsSync(path.join(h.tree, 'beta')));
  });
});

// A category folder swapped for a symbolic link on the server (a pull, a
// shell) after the admin opened its README: the save wrote the text
// through the link, into a folder outside the library or over another
// category's README, since only the file itself was opened without
// following links. The folder is now opened once without following one,
// and the file compared, made and renamed in it. The swap is made before
// the save starts, which a test can replay; the same swap during the
// save's check (the race) cannot be, and meets the same refusal when the
// commit looks at the folder again (tests/unit/test_admin.c replays it
// between the two phases).
describe('the special files: a category folder that is a symbolic link', () => {
  const NEW = '# 新的说明\n\n不该写到链接那边。\n';
  const RD = '# 卡类\n\n卡类事项。\n';

  it('is never written through: a link to a folder outside the library (409)', async () => {
    const outside = path.join(h.tmp, 'outside-kappa');
    fs.mkdirSync(path.join(h.tree, 'kappa'));
    fs.writeFileSync(path.join(h.tree, 'kappa', 'README.md'), RD);
    const opened = await src('kappa');
    assert.equal(opened.status, 200, opened.text);
    fs.renameSync(path.join(h.tree, 'kappa'), outside);
    fs.symlinkSync(outside, path.join(h.tree, 'kappa'));
    assertError(await put('kappa', NEW, { 'If-Match': opened.headers.get('etag') }), 409, 'file_changed');
    assert.equal(fs.readFileSync(path.join(outside, 'README.md'), 'utf8'), RD, 'the target is untouched');
    assert.deepEqual(fs.readdirSync(outside), ['README.md'], 'no temporary file there either');
    // nor is its text read through the link: the editor cannot open it
    const again = await src('kappa');
    assertError(again, 409, 'file_unreadable');
    assert.match(again.body.error.message, /符号链接/);
    assert.ok(!again.text.includes('卡类事项'));
  });

  it('is never written through: a link inside the library to another category (409)', async () => {
    const theirs = readFile(h, 'alpha/README.md');
    fs.symlinkSync('alpha', path.join(h.tree, 'lambda'));
    assertError(await put('lambda', NEW, { 'If-Match': `"${sha256(theirs)}"` }), 409, 'file_changed');
    assert.equal(readFile(h, 'alpha/README.md'), theirs, 'alpha\'s README is not lambda\'s');
    assert.deepEqual(leftovers('alpha'), []);
  });

  it('gets no new README through the link (422 naming the link)', async () => {
    const empty = path.join(h.tmp, 'outside-mu');
    fs.mkdirSync(empty);
    fs.symlinkSync(empty, path.join(h.tree, 'mu'));
    const r = await put('mu', NEW, { 'If-None-Match': '*' });
    assertError(r, 422, 'invalid_procedure');
    assert.match(r.body.errors[0].message, /分类文件夹 mu 是符号链接/);
    assert.deepEqual(fs.readdirSync(empty), []);
  });
});
