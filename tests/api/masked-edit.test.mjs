// An ID number inside a free-text answer (a 备注 naming the proxy's number)
// shows masked on the resident's case, and the page reopened from the slip
// fills the box with that masked text. A resident who then changed another
// part of the box (added a phone number) sent text that was no longer the
// exact echo, and it was stored as typed: the stars replaced the number in
// the case for good, and the window saw ************** where the proxy's
// ID number had been. A masked number of the case that the edited text
// still holds stands for the number it masks; a mask altered itself is
// refused, to be typed anew, as a masked cn_id is.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeTree } from './helpers.mjs';
import { useWindow, masked } from './staff-helpers.mjs';

const ID = '11010519491231002X';
const OTHER = '110101198001011232';
const h = useWindow({
  tree: (tmp) => writeTree(path.join(tmp, 'tree'), {
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/remark.md': '---\nversion: 2026-01-01\n---\n# 备注事项\n\n简介。\n\n## 第一步：填写\n\n'
      + '```form\nname | 姓名 | text | required max=20\nremark | 备注 | text | max=200\n```\n',
  }),
});

async function caseWithRemark(remark) {
  const c = await h.post('/api/v1/cases', { procedure: 'remark' });
  assert.equal(c.status, 201, c.text);
  const s = await h.post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { name: '张晓梅', remark } });
  assert.equal(s.status, 200, s.text);
  const shown = (await h.get(`/api/v1/cases/${c.body.id}`)).body.values;
  return { id: c.body.id, shown };
}

const staffRemark = async (id) => (await h.sget(`/api/v1/staff/cases/${id}`)).body.values.remark;

describe('a masked ID number in a text answer edited around', () => {
  it('keeps the number when the resident adds to the text', async () => {
    const { id, shown } = await caseWithRemark(`代办人身份证号 ${OTHER}，本人 ${ID}`);
    assert.equal(shown.remark, `代办人身份证号 ${masked(OTHER)}，本人 ${masked(ID)}`);
    const r = await h.post(`/api/v1/cases/${id}/steps/0`,
      { fields: { name: '张晓梅', remark: `${shown.remark}，电话13800138000` } });
    assert.equal(r.status, 200, r.text);
    assert.equal(await staffRemark(id), `代办人身份证号 ${OTHER}，本人 ${ID}，电话13800138000`);
    assert.equal((await h.get(`/api/v1/cases/${id}`)).body.values.remark,
      `代办人身份证号 ${masked(OTHER)}，本人 ${masked(ID)}，电话13800138000`);
  });

  it('keeps it when the text before it is removed', async () => {
    const { id, shown } = await caseWithRemark(`代办人 ${ID} 电话未留`);
    const r = await h.post(`/api/v1/cases/${id}/steps/0`,
      { fields: { name: '张晓梅', remark: `${masked(ID)} 电话13800138000` } });
    assert.equal(r.status, 200, r.text);
    assert.equal(await staffRemark(id), `${ID} 电话13800138000`);
    assert.ok(shown.remark.includes(masked(ID)));
  });

  it('refuses a mask that was itself changed, and stores no stars', async () => {
    const { id, shown } = await caseWithRemark(`本人 ${ID}`);
    const r = await h.post(`/api/v1/cases/${id}/steps/0`,
      { fields: { name: '张晓梅', remark: shown.remark.replace('002X', '0031') } });
    assert.equal(r.status, 422, r.text);
    assert.ok(r.body.fields.remark, r.text);
    assert.equal(await staffRemark(id), `本人 ${ID}`);
  });

  it('refuses a mask kept in a field the window flagged: the number must be typed anew', async () => {
    const { id, shown } = await caseWithRemark(`代办人 ${OTHER}`);
    assert.equal((await h.post(`/api/v1/cases/${id}/submit`)).status, 200);
    const back = await h.spost(`/api/v1/staff/cases/${id}/return`, { reason: '代办人身份证号不对', fields: ['remark'] });
    assert.equal(back.status, 200, back.text);
    const r = await h.post(`/api/v1/cases/${id}/steps/0`,
      { fields: { name: '张晓梅', remark: `${shown.remark} 已改` } });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.body.field_codes.remark, 'masked_id', r.text);
    assert.equal(await staffRemark(id), `代办人 ${OTHER}`);
    const typed = await h.post(`/api/v1/cases/${id}/steps/0`,
      { fields: { name: '张晓梅', remark: `代办人 ${ID}` } });
    assert.equal(typed.status, 200, typed.text);
    assert.equal(await staffRemark(id), `代办人 ${ID}`);
  });

  // two numbers typed together in full width: their masks meet, the first
  // one's last four between them
  it('keeps numbers written together, in full width', async () => {
    const wide = (t) => t.replace(/[0-9X]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xFEE0));
    const both = wide('1101051949123119110105198001010008');
    const { id, shown } = await caseWithRemark(both);
    assert.equal(shown.remark, `${'*'.repeat(14)}${wide('19')}${'*'.repeat(14)}${wide('0008')}`);
    const r = await h.post(`/api/v1/cases/${id}/steps/0`, { fields: { name: '张晓梅', remark: `夫妻 ${shown.remark}` } });
    assert.equal(r.status, 200, r.text);
    assert.equal(await staffRemark(id), `夫妻 ${both}`);
  });

  it('leaves stars a resident typed that mask nothing alone', async () => {
    const { id } = await caseWithRemark('评价：*****');
    const r = await h.post(`/api/v1/cases/${id}/steps/0`, { fields: { name: '张晓梅', remark: '评价：****' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(await staffRemark(id), '评价：****');
  });
});
