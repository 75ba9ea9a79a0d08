// 材料没带齐: POST /api/v1/cases/{id}/steps/{n}/incomplete hands a case in
// without the required papers a step left unticked (its fields valid): a
// ticket, the same queue, the case flagged 材料不全 with exactly what is
// missing; GET /print/cases/{id}/missing lists exactly those papers. Over a
// tree written here: a step with papers and a field, then a form.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  request, assertError, makeTmp, writeTree, startDaemon, stopChecked, addUser, login, authHeaders,
} from './helpers.mjs';

const FILES = {
  'hall/_category.md': '# 综合\n\n综合事项。\n',
  'hall/benefit.md': `---
version: 2026-01-01
location: 社区便民服务中心 一楼 3 号窗口
hours: 周一至周五 9:00-17:00
phone: 0535-1234567
---
# 高龄津贴申领

年满 80 周岁的老人可以申领。

## 办理条件
- 申请人年满80周岁

## 第一步:准备材料
- [ ] 申请人居民身份证原件
- [ ] 申请人户口簿
- [ ] 申请人本人银行卡
- [ ] 近期一寸照片 {optional}

\`\`\`form
phone | 联系电话 | cn_mobile | required
\`\`\`

## 第二步:填写申请表
\`\`\`form
name | 申请人姓名 | text | required max=20
\`\`\`
`,
};
const TEXT = {
  'id-card': '申请人居民身份证原件', book: '申请人户口簿', bank: '申请人本人银行卡', photo: '近期一寸照片',
};

const h = { daemon: null, tmp: null, staff: null };
before(async () => {
  h.tmp = makeTmp();
  const tree = writeTree(path.join(h.tmp, 'tree'), FILES);
  const db = path.join(h.tmp, 'x.db');
  h.daemon = await startDaemon({ tree, db });
  addUser(db, 'wang', 'staff', 'wang-password-1');
  h.staff = await login(h.daemon.url, 'wang', 'wang-password-1');
});
after(() => stopChecked(h.daemon, h.tmp));

const url = (p) => `${h.daemon.url}${p}`;
const post = (p, body) => request(url(p), {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const sget = (p) => request(url(p), { headers: { Cookie: h.staff.cookie } });
const spost = (p, body = {}) => request(url(p), {
  method: 'POST', headers: authHeaders(h.staff), body: JSON.stringify(body),
});

// A case with its conditions confirmed, at its first step; the ids of its items.
async function freshCase() {
  const c = await post('/api/v1/cases', { procedure: 'benefit' });
  assert.equal(c.status, 201, c.text);
  const proc = (await request(url(`/api/v1/cases/${c.body.id}/procedure`))).body;
  const ids = Object.fromEntries(proc.steps[0].checklist.map((it) => [
    Object.keys(TEXT).find((k) => TEXT[k] === it.text), it.id]));
  const r = await post(`/api/v1/cases/${c.body.id}/conditions`, { confirmed: [true] });
  assert.equal(r.status, 200, r.text);
  return { id: c.body.id, ids };
}

describe('handing a case in without every paper', () => {
  let c, ticket;

  it('the step itself still answers 422 with the unticked required ids (the contract stays)', async () => {
    c = await freshCase();
    const r = await post(`/api/v1/cases/${c.id}/steps/0`, {
      checklist: { [c.ids['id-card']]: true }, fields: { phone: '13800138000' },
    });
    assertError(r, 422, 'validation_failed');
    assert.deepEqual(r.body.checklist, [c.ids.book, c.ids.bank]);
    assert.deepEqual(r.body.fields, {});
  });

  it('refuses when a field is invalid, with the step\'s 422 body and nothing handed in', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/0/incomplete`, {
      checklist: { [c.ids['id-card']]: true }, fields: { phone: '123' },
    });
    assertError(r, 422, 'validation_failed');
    assert.match(r.body.error.message, /先改好/);
    assert.ok(r.body.fields.phone, 'the field\'s own message');
    const s = (await request(url(`/api/v1/cases/${c.id}`))).body;
    assert.equal(s.status, 'open');
    assert.equal(s.ticket, null);
  });

  it('refuses when nothing required is missing', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/0/incomplete`, {
      checklist: { [c.ids['id-card']]: true, [c.ids.book]: true, [c.ids.bank]: true },
      fields: { phone: '13800138000' },
    });
    assertError(r, 422, 'nothing_missing');
    assert.equal((await request(url(`/api/v1/cases/${c.id}`))).body.status, 'open');
  });

  it('refuses a step not reached yet', async () => {
    assertError(await post(`/api/v1/cases/${c.id}/steps/1/incomplete`, { fields: { name: '钱阿姨' } }),
      409, 'step_not_reached');
  });

  it('the print of what is missing, before a number: exactly the items asked for', async () => {
    const r = await request(url(`/print/cases/${c.id}/missing?items=${c.ids.book},${c.ids.bank}`));
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.match(r.headers.get('content-type') ?? '', /^text\/html\b/i);
    assert.ok(r.text.includes('所缺材料清单'), 'kind');
    assert.ok(r.text.includes('高龄津贴申领'), 'title');
    // the missing ones, then the required ones the resident has, to bring
    // along (a list of only the missing ones sent people back without them)
    const [missing, also] = r.text.split('另外还要带上');
    assert.ok(also, 'the papers to bring along as well');
    assert.ok(missing.includes(TEXT.book) && missing.includes(TEXT.bank), 'the items asked for');
    assert.ok(!missing.includes(TEXT['id-card']) && !missing.includes(TEXT.photo), 'no other item missing');
    assert.ok(also.includes(TEXT['id-card']), 'the ID card along');
    assert.ok(!also.includes(TEXT.photo) && !also.includes(TEXT.book), 'not an optional one, not a missing one');
    assert.ok(r.text.includes('还缺这 2 样材料'));
    assert.ok(r.text.includes('一楼 3 号窗口') && r.text.includes('9:00-17:00') && r.text.includes('0535-1234567'),
      'where and when');
    assert.match(r.text, /<svg[\s>]/, 'the case\'s QR');
    assert.ok(!r.text.includes('13800138000'), 'nothing typed');
  });

  it('the print refuses items of no such paper, and a case that recorded none', async () => {
    assertError(await request(url(`/print/cases/${c.id}/missing?items=${c.ids.book},nope`)), 422, 'bad_items');
    assertError(await request(url(`/print/cases/${c.id}/missing?items=`)), 422, 'bad_items');
    assertError(await request(url(`/print/cases/${c.id}/missing`)), 409, 'not_incomplete');
    assertError(await request(url('/print/cases/0123456789abcdef0123456789abcdef/missing')), 404, 'unknown_case');
  });

  it('takes a number anyway: the ticket, the missing ids, the answers kept', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/0/incomplete`, {
      checklist: { [c.ids['id-card']]: true }, fields: { phone: '13800138000' },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'waiting');
    assert.match(r.body.ticket, /^A\d{3}$/);
    assert.deepEqual(r.body.missing, [c.ids.book, c.ids.bank]);
    ticket = r.body.ticket;
    const s = (await request(url(`/api/v1/cases/${c.id}`))).body;
    assert.equal(s.status, 'waiting');
    assert.equal(s.ticket, ticket);
    assert.equal(s.values.phone, '13800138000');
    assert.deepEqual(s.checklist, { [c.ids['id-card']]: true });
    assert.deepEqual(s.missing_items.map((x) => x.text), [TEXT.book, TEXT.bank]);
    assert.equal(s.step, 0, 'the step stays to be done');
  });

  it('not twice, and not by the step route either', async () => {
    const again = await post(`/api/v1/cases/${c.id}/steps/0/incomplete`, {
      checklist: { [c.ids['id-card']]: true }, fields: { phone: '13800138000' },
    });
    assertError(again, 409, 'already_submitted');
    assert.match(again.body.error.message, /取过号/);
    assertError(await post(`/api/v1/cases/${c.id}/submit`, {}), 409, 'already_submitted');
  });

  it('the queue flags it 材料不全, in the same queue as a complete case', async () => {
    const q = (await sget('/api/v1/staff/queue')).body;
    const e = q.queue.find((x) => x.id === c.id);
    assert.ok(e, 'in the queue');
    assert.equal(e.ticket, ticket);
    assert.equal(e.incomplete, true);
    assert.deepEqual(e.missing_items.map((x) => [x.id, x.text]), [[c.ids.book, TEXT.book], [c.ids.bank, TEXT.bank]]);
  });

  it('after a number the print lists the recorded papers, with the ticket', async () => {
    const r = await request(url(`/print/cases/${c.id}/missing`));
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const [missing, also] = r.text.split('另外还要带上');
    assert.ok(missing.includes(TEXT.book) && missing.includes(TEXT.bank));
    assert.ok(!missing.includes(TEXT['id-card']) && !missing.includes(TEXT.photo));
    assert.ok(also.includes(TEXT['id-card']) && !also.includes(TEXT.photo), 'the ID card along');
    assert.ok(r.text.includes(ticket), 'the ticket while it waits');
  });

  it('the staff view shows what is missing, with the texts; staff can proceed', async () => {
    const v = (await sget(`/api/v1/staff/cases/${c.id}`)).body;
    assert.equal(v.incomplete, true);
    assert.deepEqual(v.missing_items, [
      // received: none brought since (POST …/received, papers-received.test)
      { id: c.ids.book, text: TEXT.book, step: 0, received: false },
      { id: c.ids.bank, text: TEXT.bank, step: 0, received: false },
    ]);
    assert.equal(v.values.phone, '13800138000', 'what the resident did fill');
    const ev = v.events.map((x) => [x.what, x.detail]);
    assert.deepEqual(ev.slice(-2), [['step_incomplete', null], ['submitted', 'incomplete']]);
    const a = await spost(`/api/v1/staff/cases/${c.id}/accept`);
    assert.equal(a.status, 200, a.text);
    // the ticket is on the list only while the case waits (docs/http-api.md)
    const p = await request(url(`/print/cases/${c.id}/missing`));
    assert.equal(p.status, 200, p.text.slice(0, 300));
    assert.ok(!p.text.includes(ticket) && !p.text.includes('排队号'), 'no ticket once accepted');
  });

  it('a complete case is not flagged, and a returned one handed in complete loses the flag', async () => {
    const d = await freshCase();
    const all = { [d.ids['id-card']]: true, [d.ids.book]: true, [d.ids.bank]: true };
    assert.equal((await post(`/api/v1/cases/${d.id}/steps/0/incomplete`, {
      checklist: { [d.ids['id-card']]: true }, fields: { phone: '13800138000' },
    })).status, 200);
    const ret = await spost(`/api/v1/staff/cases/${d.id}/return`, { reason: '请带齐户口簿和银行卡后再来' });
    assert.equal(ret.status, 200, ret.text);
    assert.equal((await post(`/api/v1/cases/${d.id}/steps/0`, { checklist: all, fields: { phone: '13800138000' } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${d.id}/steps/1`, { fields: { name: '钱阿姨' } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${d.id}/submit`, {})).status, 200);
    const v = (await sget(`/api/v1/staff/cases/${d.id}`)).body;
    assert.equal(v.incomplete, false);
    assert.equal(v.missing_items, null);
    const q = (await sget('/api/v1/staff/queue')).body.queue.find((x) => x.id === d.id);
    assert.equal(q.incomplete, false);
  });
});
