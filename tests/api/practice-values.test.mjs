// A practice scenario's values as the trainee's case shows them: as a real
// case stores them once they pass their check. A yes/no field written 是 in
// the practice file (as docs/procedure-format.md says to write it) stayed
// "是" in the case: the page's 是/否 choice showed （请选择）, the parts
// `{if deceased=yes}` shows were hidden, and the field to flag in the
// "future date of death" scenario was not on the page, so no trainee could
// ever pass it. A value that fails its check stays as the resident wrote
// it, for the trainee to find.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { authHeaders, request } from './helpers.mjs';
import { useAdminDaemon, entry, eventually, file, get, list } from './admin-helpers.mjs';

const PROC = `# 亲属关系证明

开具亲属关系证明。

## 办理条件
- 申请人是本人或其直系亲属
- 双方的关系能够证明

## 第一步：对方情况

\`\`\`form
deceased | 对方是否已经去世 | yesno | required
\`\`\`

## 第二步：材料
- [ ] 本人身份证 {#id_card}
- [ ] 对方的死亡证明 {if deceased=yes} {#death_proof}
- [ ] 对方的身份证 {if deceased=no} {#other_id}

## 第三步：填表

\`\`\`form
name       | 姓名         | text | required max=10
death_date | 对方去世日期 | date | required not_after=today {if deceased=yes}
\`\`\`

## 第四步：核对户口簿 {if deceased=no}
- [ ] 对方的户口簿 {#other_hukou}
`;

const PRACTICE = `# 亲属关系证明 · 练习

## 去世日期写成了将来的日子
孙女来为去世的祖父开证明，表上的去世日期是明年。

\`\`\`case
conditions = 是 是
deceased = 是
brought = id_card death_proof
name = 王某
death_date = 2999-01-01
expect = return death_date
\`\`\`
`;

// an item whose next version, scheduled for later, renames an option
const HUKOU = (opt, front = '') => `${front}# 户籍事项

户籍事项。

## 第一步：情况

\`\`\`form
hukou | 户籍情况 | choice | required options=${opt}/外地户籍
\`\`\`
`;
const HUKOU_PRACTICE = (opt) => `# 户籍事项 · 练习

## 本地人
\`\`\`case
hukou = ${opt}
expect = accept
\`\`\`
`;

const h = useAdminDaemon({
  'cert/README.md': '# 证明\n\n证明事项。\n',
  'cert/kin.md': PROC,
  'cert/kin.practice.md': PRACTICE,
  'cert/hukou.md': HUKOU('本市户籍'),
  'cert/hukou.practice.md': HUKOU_PRACTICE('本市户籍'),
});
const post = (p, body) => request(`${h.daemon.url}${p}`, {
  method: 'POST', headers: authHeaders(h.staff), body: JSON.stringify(body ?? {}),
});

describe('the practice list', () => {
  // by code point 亲 (U+4EB2) came before 户 (U+6237): a Chinese reader
  // looks titles up by their reading, hu before qin
  it('is in the order of the titles\' pinyin', async () => {
    const r = await get(h, '/api/v1/staff/practice', h.staff);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.procedures.map((p) => p.title), ['户籍事项', '亲属关系证明']);
    const g = await get(h, '/api/v1/admin/readiness');
    assert.deepEqual(g.body.procedures.map((p) => p.title), ['户籍事项', '亲属关系证明']);
  });
});

describe('a practice case\'s values', () => {
  it('are stored as a real case stores them: 是 is yes, and what it shows is there', async () => {
    const s = await post('/api/v1/staff/practice/kin', {});
    assert.equal(s.status, 201, s.text);
    const c = s.body.case;
    assert.equal(c.values.deceased, 'yes');
    // the value that fails its check stays as written
    assert.equal(c.values.death_date, '2999-01-01');
    const items = c.procedure_steps[1].checklist;
    assert.deepEqual(items.map((x) => [x.id, x.applies, x.ticked]),
      [['id_card', true, true], ['death_proof', true, true], ['other_id', false, false]]);
    const fields = c.procedure_steps[2].fields.map((f) => f.key);
    assert.ok(fields.includes('death_date'), JSON.stringify(c.procedure_steps[2].fields));
    // done is what applies: a step this case has not is not shown as done
    assert.deepEqual(c.procedure_steps.map((x) => [x.applicable, x.done]),
      [[true, true], [true, true], [true, true], [false, false]]);
    // and the right answer is judged right
    const a = await post(`/api/v1/staff/practice/${s.body.id}/answer`, { decision: 'return', flags: ['death_date'] });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.correct, true, a.text);
  });
});

describe('a practice case of a version scheduled for later', () => {
  it('comes with that version\'s definitions, not the live one\'s', async () => {
    const later = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 10);
    fs.writeFileSync(file(h, 'cert/hukou.md'), HUKOU('本地户籍', `---\neffective: ${later}\n---\n`));
    fs.writeFileSync(file(h, 'cert/hukou.practice.md'), HUKOU_PRACTICE('本地户籍'));
    await eventually(h, async () => {
      const r = await get(h, '/api/v1/staff/practice', h.staff);
      return r.body.procedures.find((p) => p.id === 'hukou')?.upcoming === later;
    }, 'the practice follows the scheduled version');
    const live = await get(h, '/api/v1/procedures/hukou', null);
    assert.equal(live.body.steps[0].fields[0].options.join('/'), '本市户籍/外地户籍');
    const s = await post('/api/v1/staff/practice/hukou', {});
    assert.equal(s.status, 201, s.text);
    // the page draws the fields from here: the options the value is one of
    assert.equal(s.body.procedure.hash, s.body.case.hash);
    assert.notEqual(s.body.procedure.hash, live.body.hash);
    assert.equal(s.body.procedure.steps[0].fields[0].options.join('/'), '本地户籍/外地户籍');
    assert.equal(s.body.case.values.hukou, '本地户籍');
  });

  // the console showed its practice file good while staff were never
  // offered it: nobody could be ready on its first day
  it('a new item whose first version is scheduled is offered, with its date', async () => {
    const later = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 10);
    fs.writeFileSync(file(h, 'cert/newitem.md'), HUKOU('本地户籍', `---\neffective: ${later}\n---\n`)
      .replace('# 户籍事项', '# 新开事项'));
    fs.writeFileSync(file(h, 'cert/newitem.practice.md'), HUKOU_PRACTICE('本地户籍'));
    let entry;
    await eventually(h, async () => {
      const r = await get(h, '/api/v1/staff/practice', h.staff);
      entry = r.body.procedures.find((p) => p.id === 'newitem');
      return !!entry;
    }, 'the new item in the practice list');
    assert.equal(entry.upcoming, later);
    assert.equal(entry.title, '新开事项');
    // not live: residents do not see it yet
    assert.equal((await get(h, '/api/v1/procedures/newitem', null)).status, 404);
    const s = await post('/api/v1/staff/practice/newitem', {});
    assert.equal(s.status, 201, s.text);
    const a = await post(`/api/v1/staff/practice/${s.body.id}/answer`, { decision: 'accept' });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.correct, true);
    const g = await get(h, '/api/v1/admin/readiness');
    const row = g.body.procedures.find((p) => p.id === 'newitem');
    assert.ok(row, JSON.stringify(g.body.procedures.map((p) => p.id)));
    // played on the version to come: playable, not a file to fix
    assert.equal(row.playable, true);
  });

  // a review: one whose practice file is broken was in neither the grid nor its short list
  it('a new scheduled item whose practice file is broken is listed short, not left out', async () => {
    const later = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 10);
    fs.writeFileSync(file(h, 'cert/brokenitem.md'), HUKOU('本地户籍', `---\neffective: ${later}\n---\n`)
      .replace('# 户籍事项', '# 尚未上线的事项'));
    fs.writeFileSync(file(h, 'cert/brokenitem.practice.md'), HUKOU_PRACTICE('没有这个选项'));
    let row;
    await eventually(h, async () => {
      const g = await get(h, '/api/v1/admin/readiness');
      row = g.body.procedures.find((p) => p.id === 'brokenitem');
      return !!row;
    }, 'the broken scheduled item in readiness');
    assert.equal(row.title, '尚未上线的事项');
    assert.deepEqual([row.playable, row.short], [false, true]);
    const l = await get(h, '/api/v1/staff/practice', h.staff);
    assert.ok(!l.body.procedures.some((p) => p.id === 'brokenitem'), 'not offered to play');
  });

  // a live item whose practice file does not fit its next version is still
  // played on the live one, which is not upcoming (a schedule's date there
  // said the scenarios were of rules not in force yet)
  it('a practice file kept on the live version is not upcoming', async () => {
    const later = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 10);
    fs.writeFileSync(file(h, 'cert/kin.md'), `---\neffective: ${later}\n---\n${PROC.replace('death_date', 'died_on')}`);
    await eventually(h, async () => entry(await list(h), 'kin.practice')?.state === 'error_old_live',
      'the scenarios kept on the live version');
    const l = await get(h, '/api/v1/staff/practice', h.staff);
    const kin = l.body.procedures.find((p) => p.id === 'kin');
    assert.ok(kin, JSON.stringify(l.body.procedures));
    assert.equal(kin.upcoming, null);
  });
});

