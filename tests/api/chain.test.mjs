// The review chain (审核链) as the API serves it: GET /api/v1/procedures/{id}
// gives "chain":[{"key","label","post","days"}] (the implicit `handle`
// stage for an item without a chain block) and "meta" carries pickup, visit
// and followup as written; the 办理流程 section is kind "chain" and shows
// no code; the one-time notice lists the stages with their limits. The
// admin console edits _posts.md and _calendar.md like the other special
// files: checked before saving, and a post a chain still names cannot be
// taken away.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, authHeaders, request } from './helpers.mjs';
import { get, proc, putSource, readFile, sha256, useAdminDaemon } from './admin-helpers.mjs';

const POSTS = '# 岗位\n\n- window 综合窗口（A岗）\n- visit 上门服务（B岗）\n- civil 民政专干\n';
const CALENDAR = '# 日历\n\n- 2026-10-01 休\n- 2026-10-10 班\n';
const DIBAO = `---
time_limit: 26个工作日
pickup: yes
visit: yes
followup: 3
---
# 低保申请

低保申请的简介。

## 办理流程
社区受理后报街道审核。

\`\`\`chain
accept  | 社区受理初审 | window | 1
street  | 街道审核     | civil  | 10
approve | 区民政局审批 | civil  | 15
\`\`\`

## 第一步：准备
- [ ] 身份证
`;

const h = useAdminDaemon({
  '_posts.md': POSTS,
  '_calendar.md': CALENDAR,
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/dibao.md': DIBAO,
  'alpha/plain.md': proc('普通事项', { front: 'time_limit: 5个工作日\n' }),
});

const put = (name, body, headers = {}) => request(`${h.daemon.url}/api/v1/admin/files/${name}/source`, {
  method: 'PUT', body,
  headers: { ...authHeaders(h.admin), 'Content-Type': 'text/markdown; charset=utf-8', ...headers },
});

describe('the chain in the procedure JSON', () => {
  it('lists the stages in order with post and days', async () => {
    const p = (await get(h, '/api/v1/procedures/dibao', null)).body;
    assert.deepEqual(p.chain, [
      { key: 'accept', label: '社区受理初审', post: 'window', days: 1 },
      { key: 'street', label: '街道审核', post: 'civil', days: 10 },
      { key: 'approve', label: '区民政局审批', post: 'civil', days: 15 },
    ]);
    assert.equal(p.meta.pickup, 'yes');
    assert.equal(p.meta.visit, 'yes');
    assert.equal(p.meta.followup, '3');
    const sec = p.sections.find((s) => s.kind === 'chain');
    assert.equal(sec.title, '办理流程');
    assert.match(sec.html, /社区受理后报街道审核/);
    assert.doesNotMatch(sec.html, /accept|<code/);
  });

  it('an item without a chain block has the one implicit stage from its time_limit', async () => {
    const p = (await get(h, '/api/v1/procedures/plain', null)).body;
    assert.deepEqual(p.chain, [{ key: 'handle', label: '窗口办理', post: 'window', days: 5 }]);
    assert.equal(p.meta.pickup, undefined);
  });

  it('the one-time notice lists the stages with their limits', async () => {
    const r = await get(h, '/print/procedures/dibao', null);
    assert.equal(r.status, 200);
    assert.match(r.text, /社区受理初审（1个工作日） → 街道审核（10个工作日） → 区民政局审批（15个工作日），合计26个工作日。/);
    // the time_limit that only repeats the total is not printed twice
    assert.doesNotMatch(r.text, /<dd>26个工作日<\/dd>/);
  });
});

describe('_posts.md and _calendar.md in the admin console', () => {
  it('GET gives their text', async () => {
    for (const [name, text] of [['_posts', POSTS], ['_calendar', CALENDAR]]) {
      const r = await get(h, `/api/v1/admin/files/${name}/source`);
      assert.equal(r.status, 200, name);
      assert.equal(r.text, text);
      assert.equal(r.headers.get('etag'), `"${sha256(text)}"`);
    }
  });

  it('a bad calendar line is 422 with its line, nothing written', async () => {
    const r = await put('_calendar', CALENDAR + '- 2026-10-02 放假\n', { 'If-Match': `"${sha256(CALENDAR)}"` });
    assertError(r, 422, 'invalid_procedure');
    assert.ok(r.body.errors.some((e) => e.line === 5 && /只能写「休」/.test(e.message)), JSON.stringify(r.body.errors));
    assert.equal(readFile(h, '_calendar.md'), CALENDAR);
  });

  it('a valid calendar is saved', async () => {
    const text = CALENDAR + '- 2026-10-02 休\n';
    const r = await put('_calendar', text, { 'If-Match': `"${sha256(CALENDAR)}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(readFile(h, '_calendar.md'), text);
  });

  it('taking away a post a chain names is refused (422), nothing written', async () => {
    const r = await put('_posts', '# 岗位\n\n- window 综合窗口（A岗）\n', { 'If-Match': `"${sha256(POSTS)}"` });
    assertError(r, 422, 'invalid_procedure');
    assert.ok(r.body.errors.some((e) => /civil/.test(e.message)), JSON.stringify(r.body.errors));
    assert.equal(readFile(h, '_posts.md'), POSTS);
  });

  it('a duplicate post is 422 with its line', async () => {
    const r = await put('_posts', POSTS + '- civil 又一个\n', { 'If-Match': `"${sha256(POSTS)}"` });
    assertError(r, 422, 'invalid_procedure');
    assert.ok(r.body.errors.some((e) => e.line === 6 && /重复/.test(e.message)), JSON.stringify(r.body.errors));
  });
});

// 本事项已更新 names a stage's post as the hall's _posts.md does (民政专干,
// not civil), as the chain view does: the staffer reads the hall's words
describe('a changed stage in the staff\'s changes', () => {
  it('names its post from _posts.md', async () => {
    const changes = () => get(h, '/api/v1/staff/procedures/dibao/changes', h.staff);
    assert.equal((await changes()).status, 200);
    const r = await putSource(h, 'dibao', DIBAO.replace('civil  | 10', 'civil  | 12'),
      { 'If-Match': `"${sha256(readFile(h, 'alpha/dibao.md'))}"` });
    assert.equal(r.status, 200, r.text);
    const b = (await changes()).body;
    assert.equal(b.changed, true);
    const lines = b.parts.flatMap((p) => p.lines);
    assert.ok(lines.some((l) => l.op === '+' && l.text === '办理环节：街道审核（民政专干，12个工作日）'),
      JSON.stringify(lines));
    assert.ok(lines.some((l) => l.op === '=' && l.text === '办理环节：社区受理初审（综合窗口（A岗），1个工作日）'),
      JSON.stringify(lines));
  });
});
