// Every entry of GET /api/v1/admin/procedures opens by its id on the
// contract's source route, practice files too: the list names them
// `PROCEDURE.practice` among the procedure files, and a client that reads
// the list and then each entry's Markdown (with its ETag, the entry's
// file_hash) and saves it back with If-Match got 404 for them before
// 2026-12-06 (only /api/v1/admin/files/{name}/source had them).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useAdminDaemon, proc, get, putSource, list, readFile, sha256 } from './admin-helpers.mjs';

const PRACTICE = `# 练习

## 带齐了
张某带来身份证。

\`\`\`case
brought = s0-0
expect = accept
\`\`\`
`;

const h = useAdminDaemon({
  'work/README.md': '# 就业\n\n就业类。\n',
  'work/a.md': proc('甲事项'),
  'work/a.practice.md': PRACTICE,
  'work/b.md': proc('乙事项'),
});

describe('the admin list and the source route', () => {
  it('opens every listed entry by its id, with its hash as ETag', async () => {
    const doc = await list(h);
    const ids = doc.procedures.map((p) => p.id).sort();
    assert.deepEqual(ids, ['a', 'a.practice', 'b']);
    for (const p of doc.procedures) {
      const r = await get(h, `/api/v1/admin/procedures/${p.id}/source`);
      assert.equal(r.status, 200, `${p.id}: ${r.text}`);
      assert.equal(r.headers.get('etag'), `"${p.file_hash}"`, p.id);
      assert.equal(r.text, readFile(h, p.file), p.id);
    }
  });

  it('checks a practice file put by its id: 422 with lines and nothing saved, 409 when stale, else saved', async () => {
    const r0 = await get(h, '/api/v1/admin/procedures/a.practice/source');
    const etag = r0.headers.get('etag');
    const bad = PRACTICE.replace('expect = accept', 'nosuch = 1\nexpect = accept');
    let r = await putSource(h, 'a.practice', bad, { 'If-Match': etag });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.body.error.code, 'invalid_procedure');
    assert.ok(r.body.errors.some((e) => e.line === 8), JSON.stringify(r.body.errors));
    assert.equal(readFile(h, 'work/a.practice.md'), PRACTICE);
    r = await putSource(h, 'a.practice', PRACTICE + '\n', { 'If-Match': `"${sha256('x')}"` });
    assert.equal(r.status, 409, r.text);
    assert.equal(readFile(h, 'work/a.practice.md'), PRACTICE);
    const good = PRACTICE.replace('张某', '李某');
    r = await putSource(h, 'a.practice', good, { 'If-Match': etag });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.hash, sha256(good));
    assert.equal(readFile(h, 'work/a.practice.md'), good);
  });

  it('still answers 404 for a practice name of no procedure and no file', async () => {
    const r = await get(h, '/api/v1/admin/procedures/zzz.practice/source');
    assert.equal(r.status, 404, r.text);
  });
});
