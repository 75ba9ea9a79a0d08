// Saving a procedure from the admin console: If-Match (428 without, 409
// when stale), 422 with lines and the file untouched, the atomic write and
// the synchronous reload (the public API serves the new version as soon as
// the save answers), one save at a time, creating a file, fixing a file
// that never loaded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertError, rawJSON, rawRequest, request, sleep } from './helpers.mjs';
import {
  entry, eventually, file, get, list, preview, proc, putSource, readFile, sha256, useAdminDaemon,
} from './admin-helpers.mjs';

const ONE = proc('第一版', { front: 'version: v1\n' });
const BAD = proc('坏的', { extra: '- [ ] \n' });
const h = useAdminDaemon({
  'alpha/README.md': '# 甲类\n\n甲。\n',
  'alpha/one.md': ONE,
  'alpha/two.md': proc('第二项'),
  'alpha/bad.md': BAD,
});

const pub = (id) => request(`${h.daemon.url}/api/v1/procedures/${id}`);
const etag = async (id) => (await get(h, `/api/v1/admin/procedures/${id}/source`)).headers.get('etag');
// Files of a folder other than the procedures: a temporary file left over.
const leftovers = () => fs.readdirSync(path.join(h.tree, 'alpha')).filter((n) => n.startsWith('.'));

describe('saving refuses', () => {
  it('a save without If-Match (428), writing nothing', async () => {
    const r = await putSource(h, 'one', proc('改了'));
    assertError(r, 428, 'precondition_required');
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
  });

  // Only If-None-Match: * creates: another tag is no precondition a save
  // can rest on, and is not taken for one (it answered 412 file_exists).
  it('a save with If-None-Match other than * (428), writing nothing', async () => {
    const r = await putSource(h, 'one', proc('改了'), { 'If-None-Match': `"${sha256(ONE)}"` });
    assertError(r, 428, 'precondition_required');
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
  });

  it('an unknown procedure (404)', async () => {
    assertError(await putSource(h, 'nope', proc('改了'), { 'If-Match': '"x"' }), 404, 'unknown_procedure');
    // a category makes a new file only with If-None-Match: *; a save is of a file that is there
    assertError(await putSource(h, 'nope', proc('改了'), { 'If-Match': '*' }, { query: '?category=alpha' }),
      404, 'unknown_procedure');
  });

  it('a stale If-Match (409), writing nothing', async () => {
    const r = await putSource(h, 'one', proc('改了'), { 'If-Match': `"${sha256('older')}"` });
    assertError(r, 409, 'file_changed');
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
    // the log records who tried to save what, and why it was not saved
    await eventually(h, () => h.daemon.stderr().includes('spkiosk: admin: boss: alpha/one.md not saved: changed on disk\n'),
      'the refused save in the log');
  });

  it('a weak tag, which never matches (409)', async () => {
    const r = await putSource(h, 'one', proc('改了'), { 'If-Match': `W/"${sha256(ONE)}"` });
    assertError(r, 409, 'file_changed');
  });

  it('a text with errors (422 with every line), leaving the file and the live version', async () => {
    const before = fs.statSync(file(h, 'alpha/one.md'));
    const text = `# \n\n简介。\n\n## 第一步\n- [ ] 身份证\n- [ ] \n`;
    const r = await putSource(h, 'one', text, { 'If-Match': await etag('one') });
    assertError(r, 422, 'invalid_procedure');
    assert.deepEqual(r.body.errors.map((e) => e.line).sort((a, b) => a - b), [1, 7]);
    // the message counts them, for an admin who sees only the banner
    assert.match(r.body.error.message, /文件里有 2 处错误，没有保存/);
    for (const e of r.body.errors) assert.match(e.message, /[\u4e00-\u9fff]/);
    assert.deepEqual(r.body.warnings, []);
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
    assert.equal(fs.statSync(file(h, 'alpha/one.md')).mtimeMs, before.mtimeMs);
    assert.deepEqual(leftovers(), []);
    assert.equal((await pub('one')).body.hash, sha256(ONE));
  });

  // errors holds what stops the save, warnings the rest: the editor marks
  // them apart.
  it('a text with errors and warnings (422): each in its own list', async () => {
    const text = proc('坏的', { front: 'review_by: 2000-01-01\n', extra: '- [ ] \n' });
    const r = await putSource(h, 'one', text, { 'If-Match': await etag('one') });
    assertError(r, 422, 'invalid_procedure');
    assert.deepEqual(r.body.errors.map((e) => e.line), [10]);
    assert.deepEqual(r.body.warnings.map((e) => e.line), [2]);
    assert.match(r.body.warnings[0].message, /review_by/);
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
  });

  it('an id another file has (422), whichever comes first by path', async () => {
    const r = await putSource(h, 'one', proc('冒名', { front: 'id: two\n' }), { 'If-Match': await etag('one') });
    assertError(r, 422, 'invalid_procedure');
    assert.match(r.body.errors[0].message, /alpha\/two\.md/);
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
    assert.equal((await pub('two')).body.title, '第二项');
  });

  it('a body over the 1 MiB cap (413)', async () => {
    const n = (1 << 20) + 1;
    const head = [`PUT /api/v1/admin/procedures/one/source HTTP/1.1`, `Host: 127.0.0.1`,
      `Cookie: ${h.admin.cookie}`, `X-CSRF-Token: ${h.admin.csrf}`, `If-Match: ${await etag('one')}`,
      'Content-Type: text/markdown', `Content-Length: ${n}`, 'Connection: close'].join('\r\n');
    // the daemon answers from the headers; the body goes only if it has not
    const r = await rawRequest(h.daemon.port, head, async (sock) => {
      let answered = false;
      sock.once('data', () => { answered = true; });
      await sleep(300);
      if (!answered && !sock.destroyed) sock.write(Buffer.alloc(n, 'x'));
    });
    assert.equal(r.status, 413);
    assert.equal(rawJSON(r).error.code, 'payload_too_large');
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
  });
});

describe('a save', () => {
  it('writes the file, reloads, and the public API serves it at once', async () => {
    fs.chmodSync(file(h, 'alpha/one.md'), 0o640);
    const text = proc('第二版', { front: 'version: v2\n' });
    const r = await putSource(h, 'one', text, { 'If-Match': await etag('one') });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, {
      id: 'one', file: 'alpha/one.md', version: 'v2', hash: sha256(text), live: true, warnings: [],
    });
    // no waiting: the save answered after the load
    const p = await pub('one');
    assert.equal(p.body.hash, sha256(text));
    assert.equal(p.body.title, '第二版');
    assert.equal(readFile(h, 'alpha/one.md'), text);
    assert.equal(fs.statSync(file(h, 'alpha/one.md')).mode & 0o777, 0o640, 'permissions kept');
    // docs/http-api.md: the log line records who saved what
    await eventually(h, () => h.daemon.stderr().includes('spkiosk: admin: boss: alpha/one.md saved\n'),
      'the save in the log');
    assert.deepEqual(leftovers(), []);
    assert.equal(await etag('one'), `"${sha256(text)}"`);
    const e = entry(await list(h), 'one');
    assert.equal(e.state, 'ok');
    assert.equal(e.live.hash, sha256(text));
    assert.equal(e.live.version, 'v2');
  });

  it('serves what the preview showed', async () => {
    const text = proc('第三版', { extra: '\n> 提示:带原件。\n' });
    const shown = (await preview(h, '?id=one', text)).body.procedure;
    const r = await putSource(h, 'one', text, { 'If-Match': await etag('one') });
    assert.equal(r.status, 200, r.text);
    // the served one also says since when it is new (schedule.test.mjs)
    const { updated, ...served } = (await pub('one')).body;
    assert.deepEqual(served, shown);
    assert.match(updated, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('with the ETag from before it is refused (409)', async () => {
    const old = await etag('one');
    const r = await putSource(h, 'one', proc('第四版'), { 'If-Match': old });
    assert.equal(r.status, 200, r.text);
    assertError(await putSource(h, 'one', proc('第五版'), { 'If-Match': old }), 409, 'file_changed');
    assert.equal(readFile(h, 'alpha/one.md'), proc('第四版'));
  });

  it('of two admins with the same version: one wins, the other gets 409', async () => {
    const tag = await etag('two');
    const rs = await Promise.all([
      putSource(h, 'two', proc('甲改的'), { 'If-Match': tag }),
      putSource(h, 'two', proc('乙改的'), { 'If-Match': tag }),
    ]);
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409]);
    const won = rs.find((r) => r.status === 200).body.hash;
    assert.equal(sha256(readFile(h, 'alpha/two.md')), won);
    assert.equal((await pub('two')).body.hash, won);
  });

  it('accepts If-Match: * and a bare hash', async () => {
    let r = await putSource(h, 'two', proc('星号'), { 'If-Match': '*' });
    assert.equal(r.status, 200, r.text);
    r = await putSource(h, 'two', proc('裸的'), { 'If-Match': sha256(proc('星号')) });
    assert.equal(r.status, 200, r.text);
    assert.equal((await pub('two')).body.title, '裸的');
  });

  it('fixes a file that never loaded, which then goes live', async () => {
    assert.equal((await pub('bad')).status, 404);
    const r = await putSource(h, 'bad', proc('修好了'), { 'If-Match': `"${sha256(BAD)}"` },
      { query: '?file=alpha/bad.md' });
    assert.equal(r.status, 200, r.text);
    assert.equal((await pub('bad')).body.title, '修好了');
    assert.equal(entry(await list(h), 'bad').state, 'ok');
  });

  // The console sends a CRLF file (and a byte order mark) back as the file
  // had them (web/admin.js, fromFile): it relies on the body's bytes being
  // written as sent, and on their hash being the next ETag.
  it('writes the body\'s bytes as sent: CRLF and a byte order mark stay', async () => {
    const text = `\uFEFF${proc('视窗').replace(/\n/g, '\r\n')}`;
    const r = await putSource(h, 'one', text, { 'If-Match': await etag('one') });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.hash, sha256(text));
    assert.deepEqual(fs.readFileSync(file(h, 'alpha/one.md')), Buffer.from(text));
    assert.equal(await etag('one'), `"${sha256(text)}"`);
    assert.equal((await pub('one')).body.title, '视窗');
  });

  it('of a file deleted since it was opened is refused (409, or 404 once reloaded)', async () => {
    const tag = await etag('two');
    const keep = readFile(h, 'alpha/two.md');
    fs.rmSync(file(h, 'alpha/two.md'));
    // The watcher reloads 200 ms after the deletion: a save that comes
    // before finds the file gone (409 file_changed), one that comes after
    // finds no such procedure (404). Either way it is refused and the file
    // is not written back (seen in CI on a loaded machine: 404).
    const r = await putSource(h, 'two', proc('晚了'), { 'If-Match': tag });
    if (r.status === 404) assertError(r, 404, 'unknown_procedure');
    else assertError(r, 409, 'file_changed');
    assert.equal(fs.existsSync(file(h, 'alpha/two.md')), false);
    fs.writeFileSync(file(h, 'alpha/two.md'), keep);
  });
});

describe('creating a file', () => {
  it('with If-None-Match: * and a category: 201, on disk and live', async () => {
    const text = proc('新事项');
    const r = await putSource(h, 'fresh', text, { 'If-None-Match': '*' }, { query: '?category=alpha' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.id, 'fresh');
    assert.equal(r.body.file, 'alpha/fresh.md');
    assert.equal(readFile(h, 'alpha/fresh.md'), text);
    assert.equal(fs.statSync(file(h, 'alpha/fresh.md')).mode & 0o777, 0o644);
    assert.equal((await pub('fresh')).body.title, '新事项');
  });

  it('that exists is refused (412)', async () => {
    const r = await putSource(h, 'fresh', proc('又一个'), { 'If-None-Match': '*' }, { query: '?category=alpha' });
    assertError(r, 412, 'file_exists');
    // the file that holds the id is named (it may be in another category)
    assert.match(r.body.error.message, /编号 fresh 已经有文件了（alpha\/fresh\.md）/);
    assert.equal(readFile(h, 'alpha/fresh.md'), proc('新事项'));
  });

  // The editor goes on under the id the answer gives (docs/http-api.md):
  // the text's, when its front matter changed it, not the one in the path.
  it('that changes its id answers the new id, with a warning', async () => {
    const text = proc('改名了', { front: 'id: renamed\n' });
    const r = await putSource(h, 'fresh', text, { 'If-Match': `"${sha256(proc('新事项'))}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, 'renamed');
    assert.equal(r.body.file, 'alpha/fresh.md');
    // at the `id:` line that made the change (it was line 1, the `---`)
    const moved = r.body.warnings.filter((w) => /编号从 fresh 改为 renamed/.test(w.message));
    assert.equal(moved.length, 1, r.text);
    assert.equal(moved[0].line, 2, r.text);
    assert.equal((await pub('renamed')).body.title, '改名了');
  });

  // ?file= names the file meant: when it is not this id's the answer is
  // 404, never a new file made from ?category= instead.
  it('with a ?file= that is not this id\'s is 404 even with a category, creating nothing', async () => {
    const r = await putSource(h, 'elsewhere', proc('别处'), { 'If-None-Match': '*' },
      { query: '?file=alpha/two.md&category=alpha' });
    assertError(r, 404, 'unknown_procedure');
    assert.equal(fs.existsSync(file(h, 'alpha/elsewhere.md')), false);
  });

  it('in a folder that does not exist is 422; with a bad id or no category 404', async () => {
    let r = await putSource(h, 'other', proc('无处'), { 'If-None-Match': '*' }, { query: '?category=nowhere' });
    assertError(r, 422, 'invalid_procedure');
    assert.match(r.body.errors[0].message, /nowhere/);
    assert.equal(fs.existsSync(path.join(h.tree, 'nowhere')), false);
    r = await putSource(h, 'Bad_Id', proc('无名'), { 'If-None-Match': '*' }, { query: '?category=alpha' });
    assertError(r, 404, 'unknown_procedure');
    r = await putSource(h, 'other', proc('无类'), { 'If-None-Match': '*' });
    assertError(r, 404, 'unknown_procedure');
  });
});

// A category folder swapped for a symbolic link on the server after the
// admin opened a file in it: the save read and compared the file through
// the link, and only the check (which does not read a linked folder)
// stopped it; the same swap during the check was written through, into
// the link's target. The folder is now opened once without following a
// link, so a link there is refused as a changed file before anything else
// (409, as 停办 does), and nothing is read or written through it. The
// swap during the save (the race) cannot be replayed here; the unit test
// replays it between the save's two phases.
describe('a category folder swapped for a symbolic link', () => {
  const K = proc('卡项');

  it('to a folder outside the library: 409, nothing written there', async () => {
    const outside = path.join(h.tmp, 'outside-kappa');
    fs.mkdirSync(path.join(h.tree, 'kappa'));
    fs.writeFileSync(path.join(h.tree, 'kappa', 'README.md'), '# 卡类\n\n卡。\n');
    fs.writeFileSync(path.join(h.tree, 'kappa', 'k.md'), K);
    const opened = await get(h, '/api/v1/admin/procedures/k/source?file=kappa/k.md');
    assert.equal(opened.status, 200, opened.text);
    fs.renameSync(path.join(h.tree, 'kappa'), outside);
    fs.symlinkSync(outside, path.join(h.tree, 'kappa'));
    const r = await putSource(h, 'k', proc('不该写出去'), { 'If-Match': opened.headers.get('etag') },
      { query: '?file=kappa/k.md' });
    assertError(r, 409, 'file_changed');
    assert.equal(fs.readFileSync(path.join(outside, 'k.md'), 'utf8'), K);
    assert.deepEqual(fs.readdirSync(outside).sort(), ['README.md', 'k.md']);
    // nor is its text read through the link
    assertError(await get(h, '/api/v1/admin/procedures/k/source?file=kappa/k.md'), 409, 'file_unreadable');
    // nor is a new file made there (the check says the folder is a link)
    const c = await putSource(h, 'kk', proc('新的'), { 'If-None-Match': '*' }, { query: '?category=kappa' });
    assertError(c, 422, 'invalid_procedure');
    assert.match(c.body.errors[0].message, /分类文件夹 kappa 是符号链接/);
    assert.deepEqual(fs.readdirSync(outside).sort(), ['README.md', 'k.md']);
  });

  it('to another category of the library: 409, its file untouched', async () => {
    const theirs = readFile(h, 'alpha/one.md');
    fs.symlinkSync('alpha', path.join(h.tree, 'lambda'));
    const r = await putSource(h, 'one', proc('不该写到甲类'), { 'If-Match': `"${sha256(theirs)}"` },
      { query: '?file=lambda/one.md' });
    assertError(r, 409, 'file_changed');
    assert.equal(readFile(h, 'alpha/one.md'), theirs);
    assert.deepEqual(leftovers(), []);
  });
});
