// A confirmation box (same_as) repeats an ID or card number. An author may
// give it the type `text` (请再输入一遍身份证号 | text | same_as=id_number),
// which the check accepts; its value is the number all the same, so the
// resident's own case (the kiosk's screen faces the hall; a slip's QR opens
// it for whoever holds the slip) shows it masked like the number it
// repeats, and the masked echo stands for the stored value as the number's
// own does. Before, the public case showed the ID number in full there.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useDaemon, request, SAMPLE_TREE } from './helpers.mjs';

const ID = '11010519491231002X';
const CARD = '6222021234567890123';
const masked = (v) => '*'.repeat(v.length - 4) + v.slice(-4);

const h = useDaemon({
  files: {
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/confirm.md': '---\nversion: 2026-01-01\n---\n# 确认事项\n\n简介。\n\n## 第一步：填写\n\n'
      + '```form\n'
      + 'name | 姓名 | text | required max=20\n'
      + 'id_number | 公民身份号码 | cn_id | required\n'
      + 'id_again | 请再输入一遍公民身份号码 | text | required same_as=id_number\n'
      + 'id_third | 请第三遍输入 | text | same_as=id_again\n'
      + 'card | 银行卡号 | bank_card | required\n'
      + 'card_again | 请再输入一遍银行卡号 | text | required same_as=card\n'
      + 'note | 姓名再写一遍 | text | same_as=name\n'
      + 'remark | 备注 | text | max=200\n'
      + '```\n',
  },
});

const post = (p, body) => request(`${h.daemon.url}${p}`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const get = (p) => request(`${h.daemon.url}${p}`);

describe('a confirmation typed as text', () => {
  it('is masked in the resident\'s case like the number it repeats', async () => {
    const c = await post('/api/v1/cases', { procedure: 'confirm' });
    assert.equal(c.status, 201, c.text);
    const s = await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: {
      name: '张晓梅', id_number: ID, id_again: ID, id_third: ID, card: CARD, card_again: CARD, note: '张晓梅' } });
    assert.equal(s.status, 200, s.text);
    const r = await get(`/api/v1/cases/${c.body.id}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes(ID), `the ID number in full: ${r.text}`);
    assert.ok(!r.text.includes(CARD), `the card number in full: ${r.text}`);
    assert.equal(r.body.values.id_again, masked(ID));
    assert.equal(r.body.values.id_third, masked(ID), 'a confirmation of a confirmation');
    assert.equal(r.body.values.card_again, masked(CARD));
    assert.equal(r.body.values.note, '张晓梅', 'a confirmation of plain text stays as typed');
  });

  it('sent back masked, as shown, stands for the number the case has', async () => {
    const c = await post('/api/v1/cases', { procedure: 'confirm' });
    const fields = { name: '张晓梅', id_number: ID, id_again: ID, card: CARD, card_again: CARD };
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields })).status, 200);
    const shown = (await get(`/api/v1/cases/${c.body.id}`)).body.values;
    const again = await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { ...shown, name: '张小梅' } });
    assert.equal(again.status, 200, again.text);
    const after = (await get(`/api/v1/cases/${c.body.id}`)).body.values;
    assert.equal(after.name, '张小梅');
    assert.equal(after.id_again, masked(ID));
    // a mask of another number is no echo: it is checked as typed
    const other = await post(`/api/v1/cases/${c.body.id}/steps/0`,
      { fields: { ...shown, id_again: masked('110101198001011232') } });
    assert.equal(other.status, 422, other.text);
    assert.ok(other.body.fields.id_again, other.text);
  });
});

// 残疾人证号 is the holder's ID number and two digits (category, grade); the
// sample library types it `text` with a pattern (disability-subsidies), so
// the resident's case showed the ID number in full. An ID number inside a
// value of any type is masked to its last four, the rest left as typed.
describe('an ID number inside a text answer', () => {
  const s = useDaemon({ tree: SAMPLE_TREE });
  const spost = (p, body) => request(`${s.daemon.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const sget = (p) => request(`${s.daemon.url}${p}`);
  const DISAB = `${ID}12`;
  const step2 = (id, fields) => spost(`/api/v1/cases/${id}/steps/2`, { fields: {
    name: '张晓梅', disab_no: DISAB, phone: '13800138000', bank_card: CARD, bank_card2: CARD, ...fields } });

  it('is masked in the resident\'s case, and its echo stands for it', async () => {
    const c = await spost('/api/v1/cases', { procedure: 'disability-subsidies' });
    assert.equal(c.status, 201, c.text);
    const id = c.body.id;
    assert.equal((await spost(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true] })).status, 200);
    assert.equal((await spost(`/api/v1/cases/${id}/steps/0`,
      { fields: { subsidy: '重度残疾人护理补贴', proxy: 'no' } })).status, 200);
    const s1 = await spost(`/api/v1/cases/${id}/steps/1`,
      { checklist: { disability_card: true, id_card: true, own_card: true } });
    assert.equal(s1.status, 200, s1.text);
    const r2 = await step2(id, {});
    assert.equal(r2.status, 200, r2.text);
    const r = await sget(`/api/v1/cases/${id}`);
    assert.ok(!r.text.includes(ID), `the ID number in full: ${r.text}`);
    assert.equal(r.body.values.disab_no, `${masked(ID)}12`);
    // the page reopened from the slip sends back what it was shown
    const again = await step2(id, { disab_no: r.body.values.disab_no, bank_card: r.body.values.bank_card,
      bank_card2: r.body.values.bank_card2, phone: '13900139000' });
    assert.equal(again.status, 200, again.text);
    assert.equal((await sget(`/api/v1/cases/${id}`)).body.values.disab_no, `${masked(ID)}12`);
  });

  it('is found with spaces or hyphens, beside other digits, and nowhere else', async () => {
    const c = await post('/api/v1/cases', { procedure: 'confirm' });
    const note = `电话13800138000 ${ID.slice(0, 6)} ${ID.slice(6, 14)}-${ID.slice(14)} 日期2026-12-07 卡6222021234567890`;
    const r0 = await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: {
      name: '张晓梅', id_number: ID, id_again: ID, card: CARD, card_again: CARD, remark: note } });
    assert.equal(r0.status, 200, r0.text);
    const v = (await get(`/api/v1/cases/${c.body.id}`)).body.values;
    assert.equal(v.remark, `电话13800138000 ****** ********-002X 日期2026-12-07 卡6222021234567890`);
  });

  it('is found in full width, as a Chinese input method types it', async () => {
    const c = await post('/api/v1/cases', { procedure: 'confirm' });
    const wide = (t) => t.replace(/[0-9X]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xFEE0));
    const remark = `身份证${wide(ID.slice(0, 6))}\u3000${wide(ID.slice(6))}号`;
    const r0 = await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: {
      name: '张晓梅', id_number: ID, id_again: ID, card: CARD, card_again: CARD, remark } });
    assert.equal(r0.status, 200, r0.text);
    const r = await get(`/api/v1/cases/${c.body.id}`);
    assert.equal(r.body.values.remark, `身份证******\u3000********${wide('002X')}号`);
    // sent back as shown, it stands for what was typed
    const again = await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { ...r.body.values, name: '张小梅' } });
    assert.equal(again.status, 200, again.text);
    assert.equal((await get(`/api/v1/cases/${c.body.id}`)).body.values.remark, r.body.values.remark);
  });
});
