// A changed answer that leaves a done step incomplete without dropping any
// answer with it: the step's 200 must still be the case as a fresh read
// has it (docs/http-api.md "Cases": a later step is taken out of `done`).
// The answer is drawn from the state the step's transaction read only when
// nothing was dropped (issue #13 item 2); a mutation review found that a
// step dropped alone, with no value or tick of its own, was never tried:
// every fixture's conditional step had a required answer that went with it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, getJSON, useDaemon } from './helpers.mjs';

// step 1 applies always but asks for its one paper (or, in phones.md, its
// one field) only with proxy=yes:
// answered with proxy=no it stores no value and no tick, so a later yes
// leaves it incomplete with nothing of its own to drop
const files = {
  'hall/README.md': '# 测试\n\n测试用的分类。\n',
  'hall/papers.md': '---\nversion: 2026-01-01\n---\n# 代办材料\n\n测试。\n\n'
    + '## 第一步:基本情况\n```form\nproxy | 是否由他人代办 | yesno | required\n```\n\n'
    + '## 第二步:准备材料\n- [ ] 授权委托书 {if proxy=yes}\n\n'
    + '## 第三步:确认\n- [ ] 我已核对以上信息无误\n',
  // the same with a field: a phone number asked only with proxy=yes
  'hall/phones.md': '---\nversion: 2026-01-01\n---\n# 代办电话\n\n测试。\n\n'
    + '## 第一步:基本情况\n```form\nproxy | 是否由他人代办 | yesno | required\n```\n\n'
    + '## 第二步:联系方式\n```form\nagent_phone | 代办人手机号码 | cn_mobile | required {if proxy=yes}\n```\n\n'
    + '## 第三步:确认\n- [ ] 我已核对以上信息无误\n',
  // a confirmation on a later step than the number it repeats (same_as may
  // name a field of any step, docs/procedure-format.md)
  'hall/cards.md': '---\nversion: 2026-01-01\n---\n# 银行卡登记\n\n测试。\n\n'
    + '## 第一步:银行卡\n```form\ncard | 银行卡号 | bank_card | required\n```\n\n'
    + '## 第二步:确认\n```form\ncard2 | 请再输入一遍银行卡号 | bank_card | required same_as=card\n```\n\n'
    + '## 第三步:核对\n- [ ] 我已核对以上信息无误\n',
};
const ctx = useDaemon({ files });
const api = (p) => `${ctx.daemon.url}${p}`;

function post(p, body) {
  return request(api(p), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}
async function step(id, n, body) {
  const r = await post(`/api/v1/cases/${id}/steps/${n}`, body);
  assert.equal(r.status, 200, `step ${n} ${JSON.stringify(body)} -> ${r.status} ${r.text}`);
  const g = await getJSON(api(`/api/v1/cases/${id}`));
  assert.deepEqual(r.body, { step: g.step, applicable: g.applicable, done: g.done },
    `step ${n}'s answer against a read after it`);
  return r.body;
}

describe('a done step dropped with no answer of its own', () => {
  it('no then yes: the step\'s answer no longer counts the papers step as done', async () => {
    const c = await post('/api/v1/cases', { procedure: 'papers' });
    assert.equal(c.status, 201, c.text);
    const id = c.body.id;
    assert.equal((await step(id, 0, { fields: { proxy: 'no' } })).step, 1);
    assert.deepEqual(await step(id, 1, {}), { step: 2, applicable: [0, 1, 2], done: [0, 1] });
    // 授权委托书 now applies and is not ticked: step 1 is asked again
    assert.deepEqual(await step(id, 0, { fields: { proxy: 'yes' } }),
      { step: 1, applicable: [0, 1, 2], done: [0] });
  });

  it('no then yes: a field that now applies and is required reopens its step', async () => {
    const c = await post('/api/v1/cases', { procedure: 'phones' });
    assert.equal(c.status, 201, c.text);
    const id = c.body.id;
    await step(id, 0, { fields: { proxy: 'no' } });
    assert.deepEqual(await step(id, 1, {}), { step: 2, applicable: [0, 1, 2], done: [0, 1] });
    assert.deepEqual(await step(id, 0, { fields: { proxy: 'yes' } }),
      { step: 1, applicable: [0, 1, 2], done: [0] });
  });
});

// The card number changed on its step after its confirmation, on a later
// step, was accepted: the confirmation was not looked at again, and the case
// was handed in with two different numbers (the window could not tell which
// was meant, the very slip the confirmation is there to catch).
describe('a confirmation on a later step than what it repeats', () => {
  it('the number changed: the confirmation\'s step is asked again, and refuses the old one', async () => {
    const c = await post('/api/v1/cases', { procedure: 'cards' });
    assert.equal(c.status, 201, c.text);
    const id = c.body.id;
    await step(id, 0, { fields: { card: '6222020200112233445' } });
    await step(id, 1, { fields: { card2: '6222020200112233445' } });
    assert.deepEqual(await step(id, 2, { checklist: { 's2-0': true } }),
      { step: 3, applicable: [0, 1, 2], done: [0, 1, 2] });
    const changed = await step(id, 0, { fields: { card: '6222020200999999999' } });
    assert.equal(changed.step, 1, JSON.stringify(changed));
    assert.ok(!changed.done.includes(1), JSON.stringify(changed));
    const sub = await post(`/api/v1/cases/${id}/submit`, {});
    assert.equal(sub.status, 409, sub.text);
    assert.equal(sub.body.error.code, 'not_finished');
    const again = await post(`/api/v1/cases/${id}/steps/1`, { fields: { card2: '6222020200112233445' } });
    assert.equal(again.status, 422, again.text);
    assert.equal(again.body.field_codes.card2, 'not_same');
    assert.deepEqual(await step(id, 1, { fields: { card2: '6222020200999999999' } }),
      { step: 3, applicable: [0, 1, 2], done: [0, 1, 2] });
    // the same number sent again (as a resident re-sends a step) changes nothing
    assert.deepEqual(await step(id, 0, { fields: { card: '6222 0202 0099 9999 999' } }),
      { step: 3, applicable: [0, 1, 2], done: [0, 1, 2] });
  });
});
