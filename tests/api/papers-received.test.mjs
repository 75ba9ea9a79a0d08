// A paper owed since 容缺受理 and brought later: POST
// /api/v1/staff/cases/{id}/received {"items":[…]}. Before it, staff could not
// record that the paper came (the checklist is the resident's), so the owed
// list stayed for good: every pass of the case asked for a note about it and
// a reprinted receipt still listed it under 待补交材料. Over the sample
// library's 低保, handed in without the income papers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SAMPLE_TREE } from './helpers.mjs';
import { useWindow } from './staff-helpers.mjs';

const h = useWindow({ tree: SAMPLE_TREE });
const PROC = 'minimum-living-allowance';
const INCOME = '全部家庭成员的收入情况说明（工资条、退休金存折等）';

async function ok(r, what) {
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
  return r.body;
}

// A 低保 case handed in 材料不全 (no income papers); accepted unless told.
async function owing({ accept = true } = {}) {
  const id = (await ok(await h.post('/api/v1/cases', { procedure: PROC, channel: 'kiosk' }), 'create')).id;
  await ok(await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true, true] }), 'conditions');
  await ok(await h.post(`/api/v1/cases/${id}/steps/0/incomplete`, {
    checklist: { id_card: true, hukou_books: true, income_proof: false, medical_proof: false },
    fields: { proxy: 'no' } }), 'incomplete');
  if (accept) await ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
  return id;
}

const received = (id, body, s) => h.spost(`/api/v1/staff/cases/${id}/received`, body, s);
const owedIds = (v) => v.missing.checklist.map((x) => x.id);

function refused(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.code, code, r.text);
  assert.match(r.body.error.message, /[\u4e00-\u9fff]/, 'said in Chinese');
}

describe('a paper brought after 容缺受理', () => {
  it('is recorded: the owed lists, the receipt and the history follow', async () => {
    const id = await owing();
    const before = await ok(await h.sget(`/api/v1/staff/cases/${id}`), 'view');
    assert.ok(owedIds(before).includes('income_proof'), JSON.stringify(before.missing));
    const v = await ok(await received(id, { items: ['income_proof'] }, h.staff2), 'received');
    assert.equal(v.status, 'accepted', 'the case stays where it was');
    assert.ok(!owedIds(v).includes('income_proof'), JSON.stringify(v.missing));
    const item = v.procedure_steps[0].checklist.find((x) => x.id === 'income_proof');
    assert.equal(item.ticked, true);
    const ev = v.events.filter((e) => e.what === 'received');
    assert.equal(ev.length, 1, JSON.stringify(v.events));
    assert.equal(ev[0].user, 'li', 'who recorded it');
    assert.equal(ev[0].detail, 'income_proof');
    assert.equal(ev[0].step, 0);
    assert.ok(ev[0].at, 'when');
    const html = (await h.sget(`/print/staff/cases/${id}/receipt`)).text;
    assert.ok(!html.includes('待补交材料'), 'a reprinted receipt owes nothing');
    const got = /<section class="materials received">([\s\S]*?)<\/section>/.exec(html)[1];
    // listed as received, and when: a reprint must not read as if it was there at acceptance
    assert.match(got, /<li>全部家庭成员的收入情况说明（工资条、退休金存折等）<span class="later">（\d{4}年\d{2}月\d{2}日 \d{2}:\d{2} 补交）<\/span><\/li>/, got);
    assert.match(got, /<li>申请人居民身份证原件<\/li>/, 'a paper ticked at hand-in has no such mark');
    // the resident's own view says it is there too
    const pub = await ok(await h.get(`/api/v1/cases/${id}`), 'public view');
    assert.equal(pub.checklist.income_proof, true);
  });

  it('a second record of the same paper is 409, the first kept', async () => {
    const id = await owing();
    await ok(await received(id, { items: ['income_proof'] }), 'first');
    refused(await received(id, { items: ['income_proof'] }, h.staff2), 409, 'already_received');
    const v = await ok(await h.sget(`/api/v1/staff/cases/${id}`), 'view');
    const ev = v.events.filter((e) => e.what === 'received');
    assert.deepEqual(ev.map((e) => e.user), ['wang']);
  });

  it('a paper ticked by the resident is not owed: 409', async () => {
    const id = await owing();
    refused(await received(id, { items: ['id_card'] }), 409, 'already_received');
  });

  it('an item the procedure has not is 422, and nothing of the list is kept', async () => {
    const id = await owing();
    refused(await received(id, { items: ['income_proof', 'no_such_paper'] }), 422, 'unknown_item');
    refused(await received(id, { items: ['income_proof', 7] }), 422, 'unknown_item');
    const v = await ok(await h.sget(`/api/v1/staff/cases/${id}`), 'view');
    assert.ok(owedIds(v).includes('income_proof'), 'the good name before it was not written');
    assert.equal(v.events.filter((e) => e.what === 'received').length, 0);
  });

  it('a paper that does not apply to the case is not owed: 422, nothing kept', async () => {
    const id = await owing();
    // the agent's papers: required, but only of a case with proxy=yes
    refused(await received(id, { items: ['income_proof', 'agent_id_card'] }), 422, 'not_owed');
    const v = await ok(await h.sget(`/api/v1/staff/cases/${id}`), 'view');
    assert.ok(owedIds(v).includes('income_proof'), 'the good name before it was not written');
    assert.equal(v.events.filter((e) => e.what === 'received').length, 0);
  });

  // An optional paper (如有) the resident hands over without having ticked
  // it: 低保's 残疾人证、病历 is what the street weighs for a sick family
  // member. Until 12-07 it was 422 not_owed: the receipt's 已收材料 and the
  // back office never knew the hall had it.
  it('an optional paper handed over is recorded as received, never as owed', async () => {
    const id = await owing();
    const before = await ok(await h.sget(`/api/v1/staff/cases/${id}`), 'view');
    assert.ok(!owedIds(before).includes('medical_proof'), 'an optional paper is never owed');
    const v = await ok(await received(id, { items: ['medical_proof'] }, h.staff2), 'received');
    assert.equal(v.status, 'accepted');
    assert.equal(v.procedure_steps[0].checklist.find((x) => x.id === 'medical_proof').ticked, true);
    assert.deepEqual(v.received_papers.map((x) => [x.id, x.by]), [['medical_proof', 'li']]);
    assert.deepEqual(owedIds(v), owedIds(before), 'what is owed is what it was');
    const ev = v.events.filter((e) => e.what === 'received');
    assert.deepEqual(ev.map((e) => [e.detail, e.user, e.step]), [['medical_proof', 'li', 0]]);
    const html = (await h.sget(`/print/staff/cases/${id}/receipt`)).text;
    const got = /<section class="materials received">([\s\S]*?)<\/section>/.exec(html)[1];
    // received, not 补交: it was never owed
    assert.match(got, /<li>残疾人证、病历、诊断证明（家里有残疾人或重病患者的提供）<span class="later">（\d{4}年\d{2}月\d{2}日 \d{2}:\d{2} 收到）<\/span><\/li>/, got);
    assert.match(html, /待补交材料[\s\S]*收入情况说明/, 'the required paper still owed');
    const pub = await ok(await h.get(`/api/v1/cases/${id}`), 'public view');
    assert.equal(pub.checklist.medical_proof, true);
    // recorded by mistake: withdrawn as a 补交 is, unticked again
    const w = await ok(await h.spost(`/api/v1/staff/cases/${id}/received/withdraw`,
      { item: 'medical_proof', reason: '点错了材料' }, h.staff2), 'withdraw');
    assert.equal(w.procedure_steps[0].checklist.find((x) => x.id === 'medical_proof').ticked, false);
    assert.deepEqual(w.received_papers, []);
    refused(await received(id, { items: ['id_card'] }), 409, 'already_received');
  });

  it('no paper named is 422', async () => {
    const id = await owing();
    refused(await received(id, {}), 422, 'items_required');
    refused(await received(id, { items: [] }), 422, 'items_required');
    refused(await received(id, { items: 'income_proof' }), 422, 'items_required');
  });

  it('a case not accepted, or returned, is 409; an unknown one 404', async () => {
    const waiting = await owing({ accept: false });
    refused(await received(waiting, { items: ['income_proof'] }), 409, 'not_accepted');
    const back = await owing();
    await ok(await h.spost(`/api/v1/staff/cases/${back}/return`, { reason: '请补交收入情况说明' }), 'return');
    refused(await received(back, { items: ['income_proof'] }), 409, 'not_accepted');
    refused(await received('0'.repeat(32), { items: ['income_proof'] }), 404, 'unknown_case');
  });

  // a return never corrected is given up by the sweep (abandoned) with its
  // acceptance behind it: that case is over, and it was told 还没有受理
  it('a case given up after acceptance is 409 and says it has ended', async () => {
    const id = await owing();
    await ok(await h.spost(`/api/v1/staff/cases/${id}/return`, { reason: '请补交收入情况说明' }), 'return');
    execFileSync('sqlite3', [path.join(h.ctx.tmp, 'x.db'),
      `PRAGMA busy_timeout = 5000; UPDATE cases SET status = 'abandoned' WHERE id = '${id}'`]);
    const r = await received(id, { items: ['income_proof'] });
    refused(r, 409, 'not_accepted');
    assert.match(r.body.error.message, /已经结束/);
    assert.doesNotMatch(r.body.error.message, /还没有受理/);
  });

  it('a pickup case brings it at 待领取; once handed out it is 409', async () => {
    // 居住证: the work papers not brought, accepted anyway, the card made
    const id = (await ok(await h.post('/api/v1/cases', { procedure: 'residence-permit', channel: 'kiosk' }), 'create')).id;
    await ok(await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true] }), 'conditions');
    await ok(await h.post(`/api/v1/cases/${id}/steps/0`, { fields: { basis_type: '有稳定工作' } }), 'step 0');
    await ok(await h.post(`/api/v1/cases/${id}/steps/1/incomplete`, { checklist: { id_card: true, work_proof: false } }), 'incomplete');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/pass`, { note: '工作证明还没交' }), 'pass 1');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/pass`, {}), 'pass 2');
    const ready = await ok(await h.spost(`/api/v1/staff/cases/${id}/complete`, { outcome: '居住证已制好' }), 'complete');
    assert.equal(ready.status, 'ready');
    const v = await ok(await received(id, { items: ['work_proof'] }), 'received at pickup');
    assert.equal(v.status, 'ready');
    assert.ok(!owedIds(v).includes('work_proof'));
    await ok(await h.spost(`/api/v1/staff/cases/${id}/handout`), 'handout');
    refused(await received(id, { items: ['id_card'] }), 409, 'not_accepted');
  });

  it('a repeated name counts once', async () => {
    const id = await owing();
    const v = await ok(await received(id, { items: ['income_proof', 'income_proof'] }), 'received');
    assert.equal(v.events.filter((e) => e.what === 'received').length, 1);
  });

  // The hand-in step stayed 未完成 for good once its papers came: the
  // resident's case kept it out of `done`, the staff page said 未完成 of a
  // step with every paper in, and missing_items went on naming the paper
  // with no word that it came.
  it('the hand-in step is done once its papers are all in, and the case says so', async () => {
    const id = await owing();
    const before = await ok(await h.get(`/api/v1/cases/${id}`), 'public view');
    assert.ok(!before.done.includes(0), 'not done while the paper is owed');
    assert.deepEqual(before.missing_items.map((x) => [x.id, x.received]), [['income_proof', false]]);
    await ok(await received(id, { items: ['income_proof'] }), 'received');
    const pub = await ok(await h.get(`/api/v1/cases/${id}`), 'public view');
    assert.ok(pub.done.includes(0), JSON.stringify(pub.done));
    assert.equal(pub.step, 1, 'the next step the resident never filled (accepted without it)');
    assert.deepEqual(pub.missing_items.map((x) => [x.id, x.received]), [['income_proof', true]]);
    const v = await ok(await h.sget(`/api/v1/staff/cases/${id}`), 'staff view');
    assert.equal(v.procedure_steps[0].done, true);
    assert.equal(v.missing_items[0].received, true);
  });

  it('a step with a paper still owed stays not done', async () => {
    const id = (await ok(await h.post('/api/v1/cases', { procedure: PROC, channel: 'kiosk' }), 'create')).id;
    await ok(await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true, true] }), 'conditions');
    await ok(await h.post(`/api/v1/cases/${id}/steps/0/incomplete`, {
      checklist: { id_card: true }, fields: { proxy: 'no' } }), 'incomplete');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
    await ok(await received(id, { items: ['income_proof'] }), 'received');
    let pub = await ok(await h.get(`/api/v1/cases/${id}`), 'public view');
    assert.ok(!pub.done.includes(0), 'the household register is still owed');
    assert.deepEqual(pub.missing_items.map((x) => [x.id, x.received]),
      [['hukou_books', false], ['income_proof', true]]);
    // the list of missing papers printed now names only the one still owed
    const sheet = await h.sget(`/print/cases/${id}/missing`);
    assert.equal(sheet.status, 200, sheet.text);
    const owedPart = /<section class="materials"><h2>还缺这 (\d+) 样材料<\/h2>([\s\S]*?)<\/section>/.exec(sheet.text);
    assert.ok(owedPart, sheet.text);
    assert.equal(owedPart[1], '1');
    assert.ok(owedPart[2].includes('户口簿'), owedPart[2]);
    assert.ok(!owedPart[2].includes('收入情况说明'), 'brought already');
    assert.match(sheet.text, /到综合窗口补交/, 'accepted: handed in at the window, not scanned at the kiosk to go on');
    await ok(await received(id, { items: ['hukou_books'] }), 'received');
    pub = await ok(await h.get(`/api/v1/cases/${id}`), 'public view');
    assert.ok(pub.done.includes(0));
    const none = await h.sget(`/print/cases/${id}/missing`);
    assert.equal(none.status, 409, none.text);
    assert.equal(none.body.error.code, 'not_incomplete');
    assert.match(none.body.error.message, /都已补交/);
  });

  it('a resident cannot record it', async () => {
    const id = await owing();
    const r = await h.post(`/api/v1/staff/cases/${id}/received`, { items: ['income_proof'] });
    assert.ok(r.status === 401 || r.status === 403, `${r.status}`);
  });
});

// A 补交 recorded by mistake (the wrong case, the wrong paper) could not be
// undone: the paper left the owed lists for good, the pass form stopped
// asking about it and the receipt said it came. POST …/received/withdraw
// {"item","reason"} takes it back with a trace (who, when, why), by the
// staffer who recorded it or an admin, while the case is in hand.
describe('a 补交 recorded by mistake, withdrawn', () => {
  const withdraw = (id, body, s) => h.spost(`/api/v1/staff/cases/${id}/received/withdraw`, body, s);

  it('puts the paper back among those owed, with who, when and why', async () => {
    const id = await owing();
    const rec = await ok(await received(id, { items: ['income_proof'] }), 'received');
    assert.deepEqual(rec.received_papers.map((x) => [x.id, x.by, x.step]), [['income_proof', 'wang', 0]]);
    assert.ok(rec.received_papers[0].at);
    const v = await ok(await withdraw(id, { item: 'income_proof', reason: '登记错了办件，应是另一位居民的' }), 'withdraw');
    assert.equal(v.status, 'accepted');
    assert.ok(owedIds(v).includes('income_proof'), 'owed again: the pass form asks about it again');
    assert.deepEqual(v.received_papers, []);
    const item = v.procedure_steps[0].checklist.find((x) => x.id === 'income_proof');
    assert.equal(item.ticked, false);
    assert.equal(v.procedure_steps[0].done, false, 'the step is not done without it');
    assert.equal(v.missing_items[0].received, false);
    const ev = v.events.filter((e) => e.what === 'received_withdrawn');
    assert.equal(ev.length, 1, JSON.stringify(v.events));
    assert.equal(ev[0].user, 'wang');
    assert.equal(ev[0].step, 0);
    assert.equal(ev[0].detail, 'income_proof 登记错了办件，应是另一位居民的');
    assert.ok(ev[0].at);
    assert.equal(v.events.filter((e) => e.what === 'received').length, 1, 'the record itself stays in the history');
    const html = (await h.sget(`/print/staff/cases/${id}/receipt`)).text;
    const owedPart = /<section class="materials owed">([\s\S]*?)<\/section>/.exec(html);
    assert.ok(owedPart && owedPart[1].includes(INCOME), 'the receipt owes it again');
    const pub = await ok(await h.get(`/api/v1/cases/${id}`), 'public view');
    assert.ok(!pub.checklist.income_proof);
    assert.ok(!pub.done.includes(0));
    // recorded again when it really comes: the receipt gives that time, once
    await ok(await received(id, { items: ['income_proof'] }, h.staff2), 'received again');
    const again = (await h.sget(`/print/staff/cases/${id}/receipt`)).text;
    assert.equal((again.match(/补交）/g) || []).length, 1);
    const v2 = await ok(await h.sget(`/api/v1/staff/cases/${id}`), 'view');
    assert.deepEqual(v2.received_papers.map((x) => x.by), ['li']);
  });

  it('only by the staffer who recorded it or an admin', async () => {
    const id = await owing();
    await ok(await received(id, { items: ['income_proof'] }), 'received by wang');
    refused(await withdraw(id, { item: 'income_proof', reason: '看错了' }, h.staff2), 403, 'not_your_record');
    let v = await ok(await h.sget(`/api/v1/staff/cases/${id}`), 'view');
    assert.ok(!owedIds(v).includes('income_proof'), 'nothing changed');
    assert.equal(v.events.filter((e) => e.what === 'received_withdrawn').length, 0);
    v = await ok(await withdraw(id, { item: 'income_proof', reason: '王芳登记错了办件' }, h.admin), 'admin');
    assert.ok(owedIds(v).includes('income_proof'));
    assert.equal(v.events.find((e) => e.what === 'received_withdrawn').user, 'admin');
  });

  it('refuses what is not a standing record, and keeps everything', async () => {
    const id = await owing();
    await ok(await received(id, { items: ['income_proof'] }), 'received');
    refused(await withdraw(id, { reason: '看错了' }), 422, 'item_required');
    refused(await withdraw(id, { item: 7, reason: '看错了' }), 422, 'item_required');
    refused(await withdraw(id, { item: 'income_proof' }), 422, 'reason_required');
    refused(await withdraw(id, { item: 'income_proof', reason: '   ' }), 422, 'reason_required');
    refused(await withdraw(id, { item: 'income_proof', reason: '错'.repeat(201) }), 422, 'reason_too_long');
    refused(await withdraw(id, { item: 'income_proof', reason: 7 }), 422, 'bad_text');
    refused(await withdraw(id, { item: 'no_such_paper', reason: '看错了' }), 422, 'unknown_item');
    // ticked by the resident at the hand-in: nobody recorded it
    refused(await withdraw(id, { item: 'id_card', reason: '看错了' }), 409, 'not_received');
    refused(await withdraw('0'.repeat(32), { item: 'income_proof', reason: '看错了' }), 404, 'unknown_case');
    const v = await ok(await h.sget(`/api/v1/staff/cases/${id}`), 'view');
    assert.ok(!owedIds(v).includes('income_proof'), 'still recorded');
    await ok(await withdraw(id, { item: 'income_proof', reason: '看错了' }), 'withdraw');
    refused(await withdraw(id, { item: 'income_proof', reason: '看错了' }), 409, 'not_received');
  });

  it('while the case is in hand: ready yes, handed out no', async () => {
    const id = (await ok(await h.post('/api/v1/cases', { procedure: 'residence-permit', channel: 'kiosk' }), 'create')).id;
    await ok(await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true] }), 'conditions');
    await ok(await h.post(`/api/v1/cases/${id}/steps/0`, { fields: { basis_type: '有稳定工作' } }), 'step 0');
    await ok(await h.post(`/api/v1/cases/${id}/steps/1/incomplete`, { checklist: { id_card: true, work_proof: false } }), 'incomplete');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/pass`, { note: '工作证明还没交' }), 'pass 1');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/pass`, {}), 'pass 2');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/complete`, { outcome: '居住证已制好' }), 'complete');
    await ok(await received(id, { items: ['work_proof'] }), 'received at pickup');
    const v = await ok(await withdraw(id, { item: 'work_proof', reason: '交来的是别人的工作证明' }), 'withdraw at ready');
    assert.equal(v.status, 'ready');
    assert.ok(owedIds(v).includes('work_proof'));
    await ok(await received(id, { items: ['work_proof'] }), 'the right one');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/handout`), 'handout');
    refused(await withdraw(id, { item: 'work_proof', reason: '看错了' }), 409, 'not_accepted');
  });

  it('a withdrawn record is no date the paper came', async () => {
    const id = await owing();
    await ok(await received(id, { items: ['income_proof'] }), 'received');
    await ok(await withdraw(id, { item: 'income_proof', reason: '登记错了办件' }), 'withdraw');
    // returned; the resident brings it with the correction and ticks it
    await ok(await h.spost(`/api/v1/staff/cases/${id}/return`, { reason: '请补交收入情况说明' }), 'return');
    await ok(await h.post(`/api/v1/cases/${id}/steps/0`, {
      checklist: { id_card: true, hukou_books: true, income_proof: true }, fields: { proxy: 'no' } }), 'step 0');
    await ok(await h.post(`/api/v1/cases/${id}/steps/1`, { fields: {
      name: '张晓梅', id_number: '11010519491231002X', mobile: '13800138000', family_size: '2',
      income: '800', housing: '租房', reason: '老伴生病住院，家里只有一份很低的收入' } }), 'step 1');
    await ok(await h.post(`/api/v1/cases/${id}/steps/3`, {}), 'step 3');
    await ok(await h.post(`/api/v1/cases/${id}/submit`), 'submit');
    const v = await ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
    assert.deepEqual(v.received_papers, [], 'ticked by the resident, nothing to withdraw');
    refused(await withdraw(id, { item: 'income_proof', reason: '看错了' }), 409, 'not_received');
    const html = (await h.sget(`/print/staff/cases/${id}/receipt`)).text;
    const got = /<section class="materials received">([\s\S]*?)<\/section>/.exec(html)[1];
    assert.match(got, /<li>全部家庭成员的收入情况说明（工资条、退休金存折等）<\/li>/, got);
  });

  it('a resident cannot withdraw it', async () => {
    const id = await owing();
    await ok(await received(id, { items: ['income_proof'] }), 'received');
    const r = await h.post(`/api/v1/staff/cases/${id}/received/withdraw`, { item: 'income_proof', reason: '看错了' });
    assert.ok(r.status === 401 || r.status === 403, `${r.status}`);
  });
});
