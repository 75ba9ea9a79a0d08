// The printed pages' edges that a mutation review of src/print.c found no
// test held (docs/http-api.md: the slip, the missing-papers list, the
// correction notice, the acceptance receipt, the rejection notice): what a
// page leaves out when the procedure has nothing to say (no item, an empty
// contact, an empty `review_body`/`court`, an optional field left empty),
// the 4,800-byte cap of `items` at its exact edge, an item that does not
// apply, the receipt of nothing ticked, a post missing from `_posts.md`, the
// pickup sentence, a case handed in again after an acceptance, an id that
// only begins an item's, 另外还要带上's required-and-applying rule, who and
// when on the rejection notice and its escaping, a pre-014 accepted case's
// receipt, and the slip's time (the hand-in, not the case's creation).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  request, assertError, writeTree, startDaemon, stopChecked, makeTmp, addUser, login, authHeaders,
} from './helpers.mjs';
import { useWindow, residentCase, WINDOW_TREE } from './staff-helpers.mjs';

// No _posts.md (a hall may have none): a stage's post is then named by its
// key. bare: no checklist item at all, empty location / review_body /
// court, an optional field, a chain, no pickup.
const BARE = `---
version: 2026-01-01
location:
phone: 0535-1234567
review_body:
court:
---
# 无材料事项

不用带材料的事项。

## 办理流程
窗口办理。

\`\`\`chain
handle | 窗口办理 | desk | 1
\`\`\`

## 第一步：填写
\`\`\`form
mobile | 手机号码 | cn_mobile | required
note   | 备注说明 | text
\`\`\`
`;
// pick: a pickup item; the item
// ids ab and abc let a list of ids be exactly 4,800 bytes long.
const PICK = `---
version: 2026-01-01
pickup: yes
review_body: 示例区<人民政府> & 复议室
court: 示例区人民法院 & 派出法庭
---
# 领取事项

办结后到窗口领取的事项。

## 办理流程
窗口办理。

\`\`\`chain
handle | 窗口办理 | window | 1
\`\`\`

## 第一步：准备材料
- [ ] 本人居民身份证原件 {#ab}
- [ ] 户口簿 {#abc}

## 第二步：填写
\`\`\`form
mobile | 手机号码 | cn_mobile | required
\`\`\`
`;

// cond: a required item in a step that applies only to proxy=yes, and an
// optional one in a step that applies to every case.
const COND = `---
version: 2026-01-01
---
# 条件事项

有条件材料的事项。

## 第一步：填写
\`\`\`form
proxy | 是否代办 | yesno | required
\`\`\`

## 第二步：准备材料
- [ ] 本人居民身份证原件
- [ ] 户口簿
- [ ] 近期一寸照片 {optional}

## 第三步：代办材料 {if proxy=yes}
- [ ] 授权委托书
`;

// tips: a tip in a step of papers (the spec's 照片须为白底彩色照片), one in
// a step of papers that applies only to proxies, a typing tip of a step
// with a form only, and a `{staff}` quote beside a resident's tip.
const TIPS = `---
version: 2026-01-01
---
# 提示事项

有提示的事项。

## 第一步：填写
\`\`\`form
proxy   | 是否代办 | yesno | required
address | 住址     | text  | required
\`\`\`

> 住址请写到门牌号。

## 第二步：准备材料
- [ ] 近期一寸免冠照片 2 张

> 照片须为白底彩色照片。

> 核对照片背景。 {staff}

## 第三步：代办材料 {if proxy=yes}
- [ ] 授权委托书

> 委托书须有本人签名。
`;

function tree(tmp) {
  return writeTree(path.join(tmp, 'tree'), {
    'hall/README.md': fs.readFileSync(path.join(WINDOW_TREE, 'hall', 'README.md')),
    'hall/residence.md': fs.readFileSync(path.join(WINDOW_TREE, 'hall', 'residence.md')),
    'hall/bare.md': BARE,
    'hall/pick.md': PICK,
    'hall/cond.md': COND,
    'hall/tips.md': TIPS,
  });
}

describe('the printed pages of a case', () => {
  const h = useWindow({ tree });
  const ok = (r, what) => assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);

  // a `bare` or `pick` case handed in, with its ticket
  async function handIn(procedure, checklist = null) {
    const c = await h.post('/api/v1/cases', { procedure });
    ok(c, 'create');
    let step = 0;
    if (checklist) {
      ok(await h.post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist }), 'checklist');
      step = 1;
    }
    ok(await h.post(`/api/v1/cases/${c.body.id}/steps/${step}`, { fields: { mobile: '13800138000' } }), 'fields');
    const s = await h.post(`/api/v1/cases/${c.body.id}/submit`);
    ok(s, 'submit');
    return c.body.id;
  }

  it('the one-time notice gives the tips of the steps of papers under 需要准备, not typing tips', async () => {
    const r = await h.get('/print/procedures/tips');
    assert.equal(r.status, 200, r.text);
    // a resident who reads only the sheet brings the right photo
    const materials = /<section class="materials">([\s\S]*?)<\/section>/.exec(r.text);
    assert.ok(materials, r.text);
    const [list, tips] = materials[1].split('</ul>');
    assert.ok(list.includes('近期一寸免冠照片 2 张') && list.includes('授权委托书'), list);
    assert.match(tips, /<blockquote>\s*<p>照片须为白底彩色照片。<\/p>\s*<\/blockquote>/);
    // a proxy's tip says when it applies, as the proxy's papers do
    assert.match(tips, /（「是否代办」选「是」时需要）[\s\S]*委托书须有本人签名。/);
    assert.ok(tips.indexOf('照片须为') < tips.indexOf('委托书须'), 'tips out of step order');
    // the form step's tip is for typing on the screen; staff guidance is
    // never printed
    for (const w of ['门牌号', '核对照片背景', '{staff}']) assert.ok(!r.text.includes(w), `${w} on the sheet`);
  });

  it('the slip of a case with no item to bring has no materials section', async () => {
    const id = await handIn('bare');
    const r = await h.get(`/print/cases/${id}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.text.includes('无材料事项'));
    // an empty list under 请带上以下材料 would send the resident looking for papers
    assert.ok(!r.text.includes('class="materials"'), 'no materials section');
    assert.ok(!r.text.includes('请带上以下材料'), 'no heading of an empty list');
  });

  // (one return each: a notice lists a case's own gaps)
  async function notice() {
    const id = await handIn('bare');
    ok(await h.spost(`/api/v1/staff/cases/${id}/return`, { reason: '请补正' }), 'return');
    const r = await h.sget(`/print/staff/cases/${id}/correction`);
    assert.equal(r.status, 200, r.text);
    return r.text;
  }

  it('the correction notice leaves out a contact that is empty', async () => {
    const text = await notice();
    // location: is empty in the front matter: not a row with nothing in it
    assert.ok(!text.includes('办理地点'), 'no empty 办理地点 row');
    assert.ok(text.includes('<dt>咨询电话</dt><dd>0535-1234567</dd>'), 'the phone it has');
  });

  it('the correction notice does not ask for an optional field left empty', async () => {
    const text = await notice();
    // 备注说明 is optional: left empty it is nothing to correct
    assert.ok(!text.includes('备注说明'), 'an optional empty field is not asked for');
    assert.ok(text.includes('见上面的退回原因'), 'nothing listed, so the reason stands');
  });

  it('the rejection notice names the fallback authorities when review_body and court are empty', async () => {
    const id = await handIn('bare');
    ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
    ok(await h.spost(`/api/v1/staff/cases/${id}/reject`, { reason: '不符合条件' }), 'reject');
    const r = await h.sget(`/print/staff/cases/${id}/rejection`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.text.includes('六十日内向有权的行政复议机关申请行政复议'), 'review_body fallback');
    assert.ok(r.text.includes('六个月内向有管辖权的人民法院提起行政诉讼'), 'court fallback');
  });

  it('the receipt of nothing ticked, a post not in _posts.md, no pickup', async () => {
    const id = await handIn('bare');
    ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
    const r = await h.sget(`/print/staff/cases/${id}/receipt`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<section class="materials received"><h2>已收材料<\/h2>\n<ul>\n<li>无需提交材料<\/li>\n<\/ul>/);
    // the post's own key when _posts.md does not name it, not nothing
    assert.match(r.text, /<li>窗口办理（desk），1个工作日，预计\d{4}年\d{2}月\d{2}日前<\/li>/);
    assert.ok(!r.text.includes('领取结果'), 'no pickup: nothing to collect');
  });

  it('the receipt says 当天 for a stage of 0 working days, as the one-time notice does', async () => {
    // cond: no chain and no time_limit, so one stage `handle | 窗口办理 | window | 0`
    const c = await h.post('/api/v1/cases', { procedure: 'cond' });
    ok(c, 'create');
    ok(await h.post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { proxy: 'no' } }), 'proxy=no');
    ok(await h.post(`/api/v1/cases/${c.body.id}/steps/1`, { checklist: { 's1-0': true, 's1-1': true } }), 'papers');
    ok(await h.post(`/api/v1/cases/${c.body.id}/submit`), 'submit');
    ok(await h.spost(`/api/v1/staff/cases/${c.body.id}/accept`), 'accept');
    const r = await h.sget(`/print/staff/cases/${c.body.id}/receipt`);
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes('0个工作日'), 'the receipt says 0个工作日');
    assert.match(r.text, /<li>窗口办理（[^<]*），当天，预计\d{4}年\d{2}月\d{2}日前<\/li>/);
    const sheet = await h.get('/print/procedures/cond');
    assert.ok(!sheet.text.includes('0个工作日'), 'the notice says 0个工作日');
  });

  it('the receipt of a pickup item says to collect the result', async () => {
    const id = await handIn('pick', { ab: true, abc: true });
    ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
    const r = await h.sget(`/print/staff/cases/${id}/receipt`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.text.includes('办结后请凭本回执到综合窗口领取结果'), 'pickup sentence');
    assert.ok(!r.text.includes('无需提交材料'), 'two papers were ticked');
  });

  it('a case accepted, returned and handed in again has no receipt while it waits', async () => {
    const id = await handIn('bare');
    ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
    ok(await h.spost(`/api/v1/staff/cases/${id}/return`, { reason: '请补正' }), 'return');
    ok(await h.post(`/api/v1/cases/${id}/steps/0`, { fields: { mobile: '13800138000' } }), 'fields');
    ok(await h.post(`/api/v1/cases/${id}/submit`), 'again');
    const r = await h.sget(`/print/staff/cases/${id}/receipt`);
    // the hand-in cleared the acceptance (its time and staffer): a receipt
    // now would print neither; docs/http-api.md: 409 not_accepted
    assertError(r, 409, 'not_accepted');
  });

  it('items of exactly 4,800 bytes are taken, one more byte is 422 bad_items', async () => {
    const c = await h.post('/api/v1/cases', { procedure: 'pick' });
    ok(c, 'create');
    const list = `abc${',ab'.repeat(1599)}`;
    assert.equal(Buffer.byteLength(list), 4800);
    const r = await h.get(`/print/cases/${c.body.id}/missing?items=${list}`);
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.ok(r.text.includes('还缺这 2 样材料'), 'both items, each once');
    // the same ids, valid each, 4,801 bytes: over the cap
    const over = `abc,abc${',ab'.repeat(1598)}`;
    assert.equal(Buffer.byteLength(over), 4801);
    assertError(await h.get(`/print/cases/${c.body.id}/missing?items=${over}`), 422, 'bad_items');
  });

  it('an id that only begins an item\'s id is 422 bad_items', async () => {
    const c = await h.post('/api/v1/cases', { procedure: 'pick' });
    ok(c, 'create');
    // a is the start of ab and abc, an item of neither
    assertError(await h.get(`/print/cases/${c.body.id}/missing?items=a`), 422, 'bad_items');
    assertError(await h.get(`/print/cases/${c.body.id}/missing?items=ab,a`), 422, 'bad_items');
  });

  it('the missing list\'s 另外还要带上 holds only the other required papers that apply', async () => {
    const c = await h.post('/api/v1/cases', { procedure: 'cond' });
    ok(c, 'create');
    ok(await h.post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { proxy: 'no' } }), 'proxy=no');
    const r = await h.get(`/print/cases/${c.body.id}/missing?items=s1-0`);
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const [missing, also] = r.text.split('另外还要带上');
    assert.ok(missing.includes('本人居民身份证原件'), 'the paper asked for');
    assert.ok(also && also.includes('户口簿'), 'the other required paper');
    // optional: not a paper everyone must bring; 授权委托书: a proxy's only
    assert.ok(!also.includes('近期一寸照片'), 'no optional paper');
    assert.ok(!r.text.includes('授权委托书'), 'no paper of a step that does not apply');
    // both required papers asked for: the rest is optional or not this
    // case's, so there is nothing else to bring and no empty section
    const all = await h.get(`/print/cases/${c.body.id}/missing?items=s1-0,s1-1`);
    assert.equal(all.status, 200, all.text.slice(0, 300));
    assert.ok(!all.text.includes('另外还要带上'), 'no 另外还要带上 with nothing under it');
  });

  it('the rejection notice: who rejected it, and the reason and authorities escaped', async () => {
    const id = await handIn('pick', { ab: true, abc: true });
    ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept as wang');
    ok(await h.spost(`/api/v1/staff/cases/${id}/reject`, { reason: '收入<高于>标准 & 不符合条件' }, h.staff2), 'reject as li');
    const r = await h.sget(`/print/staff/cases/${id}/rejection`);
    assert.equal(r.status, 200, r.text);
    // the one who decided, not the one who accepted
    assert.ok(r.text.includes('<dt>经办人</dt><dd>li</dd>'), `the rejecting staffer: ${r.text.match(/<dt>经办人<\/dt><dd>[^<]*/)}`);
    assert.ok(r.text.includes('收入&lt;高于&gt;标准 &amp; 不符合条件'), 'the reason, escaped');
    assert.ok(r.text.includes('六十日内向示例区&lt;人民政府&gt; &amp; 复议室申请行政复议'), 'review_body, escaped');
    assert.ok(r.text.includes('六个月内向示例区人民法院 &amp; 派出法庭提起行政诉讼'), 'court, escaped');
    assert.ok(!r.text.includes('<人民政府>') && !r.text.includes('<高于>'), 'no raw markup');
  });

  it('an item of a step that does not apply to the case is 422 bad_items', async () => {
    // proxy=no: step 3 (代办人, {if proxy=yes}) and its 授权委托书 (s2-0) do not apply
    const c = await residentCase(h, { proxy: 'no' });
    assertError(await h.get(`/print/cases/${c.id}/missing?items=s2-0`), 422, 'bad_items');
    assertError(await h.get(`/print/cases/${c.id}/missing?items=s0-0,s2-0`), 422, 'bad_items');
    assert.equal((await h.get(`/print/cases/${c.id}/missing?items=s0-0`)).status, 200, 'one that applies');
  });
});

// Cases as only a database edited while the daemon is stopped makes them,
// so that no clock is waited on and no old release is needed.
describe('pages of cases set up in the database', () => {
  let tmp, db, tr, d = null, staff;
  before(() => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    tr = tree(tmp);
  });
  after(() => stopChecked(d, tmp));
  const post = (p, body, s = null) => request(`${d.url}${p}`, {
    method: 'POST', headers: s ? authHeaders(s) : { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const sql = (q) => {
    const r = spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  async function restart() {
    if (d) assert.equal((await d.stop()).code, 0, d.stderr());
    d = await startDaemon({ tree: tr, db });
  }
  let added = false;
  async function staffer() {
    if (!added) addUser(db, 'wang', 'staff', 'wang-password-1');
    added = true;
    staff = await login(d.url, 'wang', 'wang-password-1');
  }
  async function handIn() {
    const c = await post('/api/v1/cases', { procedure: 'bare' });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { mobile: '13800138000' } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/submit`)).status, 200);
    return c.body.id;
  }

  // The slip says when the case was handed in (docs/http-api.md: "when it
  // was handed in"), not when it was begun: a case begun one day and
  // handed in another.
  it('the slip\'s time is the hand-in\'s, not the case\'s creation', async () => {
    await restart();
    const id = await handIn();
    await d.stop();
    sql(`UPDATE cases SET created_at = '2020-01-02T03:04:05Z' WHERE id = '${id}'`);
    await restart();
    const r = await request(`${d.url}/print/cases/${id}`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<p class="when">\d{4}年\d{2}月\d{2}日 \d{2}:\d{2} 取号<\/p>/);
    assert.ok(!r.text.includes('2020年'), 'not the day the case was begun');
  });

  // A case accepted before schema 014 has no stage, no stage rows and no
  // committed date (schema/014-relay.sql). The receipt promises a date and
  // each stage's (docs/http-api.md): with none known it must not be
  // printed with blanks.
  it('a case accepted before the chain was recorded gets no receipt with blank dates', async () => {
    if (!d) await restart();
    await staffer();
    const id = await handIn();
    assert.equal((await post(`/api/v1/staff/cases/${id}/accept`, {}, staff)).status, 200);
    const before = await request(`${d.url}/print/staff/cases/${id}/receipt`, { headers: { Cookie: staff.cookie } });
    assert.equal(before.status, 200, before.text);
    assert.match(before.text, /<dd class="due">\d{4}年\d{2}月\d{2}日前/, 'accepted now: the date promised');
    await d.stop();
    sql(`UPDATE cases SET stage = NULL, due = NULL WHERE id = '${id}'; DELETE FROM case_stages WHERE case_id = '${id}'`);
    await restart();
    staff = await login(d.url, 'wang', 'wang-password-1');
    const r = await request(`${d.url}/print/staff/cases/${id}/receipt`, { headers: { Cookie: staff.cookie } });
    if (r.status === 200) {
      assert.match(r.text, /<dd class="due">\d{4}年\d{2}月\d{2}日前/, 'a receipt promises a date');
      assert.doesNotMatch(r.text, /，预计前|<li>[^<]*，\d+个工作日<\/li>/, 'every stage with its date');
    } else {
      assertError(r, 409, 'not_accepted');
    }
  });

  // 告知时间 is when the case was rejected (docs/http-api.md: "when and by
  // whom"), not when it was accepted: the acceptance moved to another day.
  it('the rejection notice\'s time is the rejection\'s', async () => {
    if (!d) await restart();
    await staffer();
    const id = await handIn();
    assert.equal((await post(`/api/v1/staff/cases/${id}/accept`, {}, staff)).status, 200);
    assert.equal((await post(`/api/v1/staff/cases/${id}/reject`, { reason: '不符合条件' }, staff)).status, 200);
    await d.stop();
    sql(`UPDATE cases SET accepted_at = '2020-01-02T03:04:05Z' WHERE id = '${id}'`);
    await restart();
    await staffer();
    const r = await request(`${d.url}/print/staff/cases/${id}/rejection`, { headers: { Cookie: staff.cookie } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<dt>告知时间<\/dt><dd>\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}<\/dd>/);
    assert.ok(!r.text.includes('2020年'), 'not the day it was accepted');
  });
});
