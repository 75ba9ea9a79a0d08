// The acceptance receipt of a case accepted without a required paper (容缺
// 受理): it listed what was received only, so the resident left with no word
// of what they still owed. It now lists them under 待补交材料; a case with
// every paper has no such section. Over the sample library's 低保.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLE_TREE } from './helpers.mjs';
import { useWindow } from './staff-helpers.mjs';

const h = useWindow({ tree: SAMPLE_TREE });
const PROC = 'minimum-living-allowance';
const INCOME = '全部家庭成员的收入情况说明（工资条、退休金存折等）';
const MEDICAL = '残疾人证、病历、诊断证明（家里有残疾人或重病患者的提供）';

async function ok(r, what) {
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
  return r.body;
}

async function accepted(income) {
  const id = (await ok(await h.post('/api/v1/cases', { procedure: PROC, channel: 'kiosk' }), 'create')).id;
  await ok(await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true, true] }), 'conditions');
  const checklist = { id_card: true, hukou_books: true, income_proof: income, medical_proof: false };
  if (income) {
    await ok(await h.post(`/api/v1/cases/${id}/steps/0`, { checklist, fields: { proxy: 'no' } }), 'step 0');
    await ok(await h.post(`/api/v1/cases/${id}/steps/1`, { fields: {
      name: '张晓梅', id_number: '11010519491231002X', mobile: '13800138000', family_size: '2',
      income: '800', housing: '租房', reason: '老伴生病住院，家里只有一份很低的收入' } }), 'step 1');
    await ok(await h.post(`/api/v1/cases/${id}/steps/3`, {}), 'step 3');
    await ok(await h.post(`/api/v1/cases/${id}/submit`), 'submit');
  } else {
    await ok(await h.post(`/api/v1/cases/${id}/steps/0/incomplete`, { checklist, fields: { proxy: 'no' } }), 'incomplete');
  }
  await ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
  const r = await h.sget(`/print/staff/cases/${id}/receipt`);
  assert.equal(r.status, 200, r.text);
  return r.text;
}

describe('the receipt of 容缺受理', () => {
  it('lists the required paper not received, not the optional one', async () => {
    const html = await accepted(false);
    const owed = /<section class="materials owed">([\s\S]*?)<\/section>/.exec(html);
    assert.ok(owed, 'a 待补交材料 section');
    assert.match(owed[1], /<h2>待补交材料<\/h2>/);
    assert.ok(owed[1].includes(INCOME), owed[1]);
    assert.ok(!owed[1].includes(MEDICAL), 'an optional paper is owed by nobody');
    const received = /<section class="materials received">([\s\S]*?)<\/section>/.exec(html)[1];
    assert.ok(!received.includes(INCOME));
  });

  it('a case with every paper has no such section', async () => {
    const html = await accepted(true);
    assert.ok(!html.includes('待补交材料'), 'nothing owed');
    assert.ok(/<section class="materials received">[\s\S]*收入情况说明/.test(html));
  });
});
