// An optional paper (如有) the resident ticked at the kiosk and did not bring:
// POST /api/v1/staff/cases/{id}/not-brought {"items":[…]}, undone by
// POST …/not-brought/withdraw {"item","reason"}. Before it, the tick stood:
// the 受理回执 the resident keeps listed the paper under 已收材料, the back
// office's case view said 已勾选, and nothing at the window could say
// otherwise (a required paper has its own flow: 退回补正, 材料没带齐, 容缺受理,
// 补交). Over the sample library's 低保, whose 残疾人证、病历 is 如有.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLE_TREE } from './helpers.mjs';
import { useWindow } from './staff-helpers.mjs';

const h = useWindow({ tree: SAMPLE_TREE });
const PROC = 'minimum-living-allowance';
const MED = '残疾人证、病历、诊断证明（家里有残疾人或重病患者的提供）';
const FAMILY = {
  name: '张晓梅', id_number: '11010519491231002X', mobile: '13800138000', family_size: '2',
  income: '800', housing: '租房', reason: '老伴生病住院，家里只有一份很低的收入',
};

async function ok(r, what) {
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
  return r.body;
}

function refused(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.code, code, r.text);
  assert.match(r.body.error.message, /[\u4e00-\u9fff]/, 'said in Chinese');
}

// The resident's hand-in of a 低保 case, every paper ticked, 残疾人证 too.
async function handIn(id) {
  await ok(await h.post(`/api/v1/cases/${id}/steps/0`, {
    checklist: { id_card: true, hukou_books: true, income_proof: true, medical_proof: true },
    fields: { proxy: 'no' } }), 'step 0');
  await ok(await h.post(`/api/v1/cases/${id}/steps/1`, { fields: FAMILY }), 'step 1');
  await ok(await h.post(`/api/v1/cases/${id}/steps/3`, {}), 'step 3');
  await ok(await h.post(`/api/v1/cases/${id}/submit`), 'submit');
}

// A 低保 case handed in with 残疾人证 ticked; accepted unless told.
async function ticked({ accept = true } = {}) {
  const id = (await ok(await h.post('/api/v1/cases', { procedure: PROC, channel: 'kiosk' }), 'create')).id;
  await ok(await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true, true] }), 'conditions');
  await handIn(id);
  if (accept) await ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
  return id;
}

const notBrought = (id, body, s) => h.spost(`/api/v1/staff/cases/${id}/not-brought`, body, s);
const undo = (id, body, s) => h.spost(`/api/v1/staff/cases/${id}/not-brought/withdraw`, body, s);
const view = async (id) => ok(await h.sget(`/api/v1/staff/cases/${id}`), 'view');
const medOf = (v) => v.procedure_steps[0].checklist.find((x) => x.id === 'medical_proof');
async function receivedPart(id) {
  const html = (await h.sget(`/print/staff/cases/${id}/receipt`)).text;
  const m = /<section class="materials received">([\s\S]*?)<\/section>/.exec(html);
  assert.ok(m, html);
  return m[1];
}

describe('an optional paper ticked at the kiosk but not brought', () => {
  it('is recorded at the window: unticked, off the receipt, with who and when', async () => {
    const id = await ticked();
    assert.ok((await receivedPart(id)).includes(MED), 'the tick printed it as received');
    const before = await view(id);
    const v = await ok(await notBrought(id, { items: ['medical_proof'] }, h.staff2), 'not brought');
    assert.equal(v.status, 'accepted', 'the case stays where it was');
    assert.equal(medOf(v).ticked, false);
    assert.deepEqual(v.not_brought_papers.map((x) => [x.id, x.text, x.step, x.by]), [['medical_proof', MED, 0, 'li']]);
    assert.ok(v.not_brought_papers[0].at, 'when');
    assert.deepEqual(v.missing, before.missing, 'never owed: nothing to 补交');
    assert.equal(v.procedure_steps[0].done, true, 'an optional paper leaves its step done');
    assert.deepEqual(v.received_papers, []);
    const ev = v.events.filter((e) => e.what === 'not_brought');
    assert.deepEqual(ev.map((e) => [e.detail, e.user, e.step, e.channel]), [['medical_proof', 'li', 0, 'window']]);
    // the paper the resident keeps lists only what the hall holds
    const got = await receivedPart(id);
    assert.ok(!got.includes('残疾人证'), got);
    assert.match(got, /<li>申请人居民身份证原件<\/li>/, 'the papers brought are still there');
    // the resident's own case says so too
    const pub = await ok(await h.get(`/api/v1/cases/${id}`), 'public view');
    assert.ok(!pub.checklist.medical_proof, JSON.stringify(pub.checklist));
    assert.equal(pub.checklist.id_card, true);
  });

  it('is undone by whoever recorded it or an admin, with why; the tick is back', async () => {
    const id = await ticked();
    await ok(await notBrought(id, { items: ['medical_proof'] }), 'not brought by wang');
    refused(await undo(id, { item: 'medical_proof', reason: '夹在户口簿里了' }, h.staff2), 403, 'not_your_record');
    assert.equal(medOf(await view(id)).ticked, false, 'nothing changed');
    const v = await ok(await undo(id, { item: 'medical_proof', reason: '病历夹在户口簿里了' }), 'undo');
    assert.equal(medOf(v).ticked, true);
    assert.deepEqual(v.not_brought_papers, []);
    assert.deepEqual(v.received_papers, [], 'the resident\'s tick again, not a window record');
    const ev = v.events.filter((e) => e.what === 'not_brought_withdrawn');
    assert.deepEqual(ev.map((e) => [e.detail, e.user, e.step]), [['medical_proof 病历夹在户口簿里了', 'wang', 0]]);
    assert.equal(v.events.filter((e) => e.what === 'not_brought').length, 1, 'the record stays in the history');
    // printed as at acceptance: no date of a later hand-over
    assert.ok((await receivedPart(id)).includes(`<li>${MED}</li>`));
    const pub = await ok(await h.get(`/api/v1/cases/${id}`), 'public view');
    assert.equal(pub.checklist.medical_proof, true);
    // marked again, an admin takes it back
    await ok(await notBrought(id, { items: ['medical_proof'] }), 'again');
    const a = await ok(await undo(id, { item: 'medical_proof', reason: '王芳看错了' }, h.admin), 'admin');
    assert.equal(medOf(a).ticked, true);
    assert.equal(a.events.filter((e) => e.what === 'not_brought_withdrawn').at(-1).user, 'admin');
  });

  it('brought after all, later: 已收到 records it with when, and the mark goes', async () => {
    const id = await ticked();
    await ok(await notBrought(id, { items: ['medical_proof'] }), 'not brought');
    const v = await ok(await h.spost(`/api/v1/staff/cases/${id}/received`, { items: ['medical_proof'] }), 'received');
    assert.equal(medOf(v).ticked, true);
    assert.deepEqual(v.not_brought_papers, []);
    assert.deepEqual(v.received_papers.map((x) => x.id), ['medical_proof']);
    assert.match(await receivedPart(id), /残疾人证[^<]*<span class="later">（\d{4}年\d{2}月\d{2}日 \d{2}:\d{2} 收到）<\/span>/);
    refused(await undo(id, { item: 'medical_proof', reason: '看错了' }), 409, 'not_marked');
    // a window record is taken back by its own 撤销, not marked 没带
    refused(await notBrought(id, { items: ['medical_proof'] }), 409, 'window_record');
  });

  it('refuses what is not a paper ticked and not required, and keeps everything', async () => {
    const id = await ticked();
    // required: 退回补正 (and 材料没带齐, 容缺受理) is that paper's way
    refused(await notBrought(id, { items: ['medical_proof', 'income_proof'] }), 422, 'not_optional');
    refused(await notBrought(id, { items: ['no_such_paper'] }), 422, 'unknown_item');
    refused(await notBrought(id, { items: ['medical_proof', 7] }), 422, 'unknown_item');
    refused(await notBrought(id, { items: [] }), 422, 'items_required');
    refused(await notBrought(id, {}), 422, 'items_required');
    refused(await notBrought('0'.repeat(32), { items: ['medical_proof'] }), 404, 'unknown_case');
    let v = await view(id);
    assert.equal(medOf(v).ticked, true, 'the good name before the bad one was not written');
    assert.equal(v.events.filter((e) => e.what === 'not_brought').length, 0);
    v = await ok(await notBrought(id, { items: ['medical_proof', 'medical_proof'] }), 'a name twice counts once');
    assert.equal(v.events.filter((e) => e.what === 'not_brought').length, 1);
    refused(await notBrought(id, { items: ['medical_proof'] }, h.staff2), 409, 'not_ticked');
    // the agent's papers apply only to a case with proxy=yes
    refused(await notBrought(id, { items: ['authorisation'] }), 422, 'not_applicable');
    refused(await undo(id, { reason: '看错了' }), 422, 'item_required');
    refused(await undo(id, { item: 'medical_proof' }), 422, 'reason_required');
    refused(await undo(id, { item: 'medical_proof', reason: '错'.repeat(201) }), 422, 'reason_too_long');
    refused(await undo(id, { item: 'medical_proof', reason: 7 }), 422, 'bad_text');
    refused(await undo(id, { item: 'no_such_paper', reason: '看错了' }), 422, 'unknown_item');
    refused(await undo(id, { item: 'id_card', reason: '看错了' }), 409, 'not_marked');
    await ok(await undo(id, { item: 'medical_proof', reason: '看错了' }), 'undo');
    refused(await undo(id, { item: 'medical_proof', reason: '看错了' }), 409, 'not_marked');
  });

  it('only while the case is in hand; a return and a new hand-in start again', async () => {
    const waiting = await ticked({ accept: false });
    refused(await notBrought(waiting, { items: ['medical_proof'] }), 409, 'not_accepted');
    const id = await ticked();
    await ok(await notBrought(id, { items: ['medical_proof'] }), 'not brought');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/return`, { reason: '请补充收入情况说明' }), 'return');
    refused(await notBrought(id, { items: ['id_card'] }), 409, 'not_accepted');
    refused(await undo(id, { item: 'medical_proof', reason: '看错了' }), 409, 'not_accepted');
    // the resident ticks it again and brings it this time
    await handIn(id);
    const v = await ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accepted again');
    assert.equal(medOf(v).ticked, true);
    assert.deepEqual(v.not_brought_papers, [], 'a mark of the earlier acceptance is not this one\'s');
    refused(await undo(id, { item: 'medical_proof', reason: '看错了' }), 409, 'not_marked');
    await ok(await h.spost(`/api/v1/staff/cases/${id}/reject`, { reason: '家庭收入高于本市低保标准' }), 'reject');
    refused(await notBrought(id, { items: ['medical_proof'] }), 409, 'not_accepted');
  });

  it('a resident cannot record it', async () => {
    const id = await ticked();
    const r = await h.post(`/api/v1/staff/cases/${id}/not-brought`, { items: ['medical_proof'] });
    assert.ok(r.status === 401 || r.status === 403, `${r.status}`);
    const u = await h.post(`/api/v1/staff/cases/${id}/not-brought/withdraw`, { item: 'medical_proof', reason: 'x' });
    assert.ok(u.status === 401 || u.status === 403, `${u.status}`);
  });
});
