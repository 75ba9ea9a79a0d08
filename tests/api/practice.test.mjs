// The practice mode (网页模拟) over HTTP: a staffer's list of items, the
// scenarios in turn as practice cases shaped as the staff case view, the
// answer judged once (right and wrong for accept, return and refuse, with
// what was expected and why), 404 for another user's practice case,
// readiness (two staff: short, then not), a procedure change turning a
// pass into "before the change", and practice never in the queue, the
// statistics or the day's report.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, userCmd, authHeaders, login, request } from './helpers.mjs';
import { PW, eventually, file, get, useAdminDaemon } from './admin-helpers.mjs';

const PROC = `# 演示事项

演示用的事项。

## 办理条件
- 年满 18 周岁
- 本市户籍

## 第一步：情况

\`\`\`form
kind | 办理类型 | choice | required options=首次/补领
\`\`\`

> 问清是首次办理还是补领。 {staff}

## 第二步：材料
- [ ] 本人身份证 {#id_card}
- [ ] 旧证 {if kind=补领} {#old_card}

> 核对身份证原件与本人是否一致。 {staff}

## 第三步：填表

\`\`\`form
name | 姓名 | text | required max=10
mobile | 手机号码 | cn_mobile | required
\`\`\`

> 手机号码请当面拨通核对。 {staff}
`;

const PRACTICE = `# 演示 · 练习

## 补领，材料齐全
王某来补领，带了身份证和旧证。

\`\`\`case
conditions = 是 是
kind = 补领
brought = id_card old_card
name = 王某
mobile = 13912345678
expect = accept
explain = 材料齐全，当场受理
\`\`\`

## 手机号码少写一位
李某首次办理，带了身份证，手机号码写成 1381234567。

\`\`\`case
conditions = 是 是
kind = 首次
brought = id_card
name = 李某
mobile = 1381234567
expect = return mobile
explain = 手机号码是 11 位
\`\`\`

## 外地户籍
赵某是外地户籍。

\`\`\`case
conditions = 是 否
kind = 首次
brought = id_card
name = 赵某
mobile = 13612345678
expect = refuse 2
explain = 只受理本市户籍
\`\`\`
`;

const h = useAdminDaemon({
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/one.md': PROC,
  'alpha/one.practice.md': PRACTICE,
  'alpha/two.md': '# 无练习事项\n\n没有练习题。\n\n## 第一步:准备\n- [ ] 身份证\n',
  // a policy document: nothing to practise, so never "without practice"
  'alpha/rules.md': '---\nkind: policy\n---\n# 窗口守则\n\n守则。\n\n## 要点\n说明。\n',
});

const post = (p, body, session = h.staff) => request(`${h.daemon.url}${p}`, {
  method: 'POST', headers: authHeaders(session), body: JSON.stringify(body ?? {}),
});
const start = (session = h.staff) => post('/api/v1/staff/practice/one', {}, session);
const answer = (id, body, session = h.staff) => post(`/api/v1/staff/practice/${id}/answer`, body, session);
const RIGHT = {
  '补领，材料齐全': { decision: 'accept' },
  '手机号码少写一位': { decision: 'return', flags: ['mobile'] },
  '外地户籍': { decision: 'refuse', condition: 2 },
};
async function listed(session = h.staff) {
  const r = await get(h, '/api/v1/staff/practice', session);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  return r.body.procedures;
}
async function readiness() {
  const r = await get(h, '/api/v1/admin/readiness');
  assert.equal(r.status, 200, r.text);
  return r.body.procedures.find((p) => p.id === 'one');
}
// Plays the scenarios in turn, each answered right, until every one passed.
async function passAll(session) {
  for (let i = 0; i < 3; i++) {
    const s = await start(session);
    assert.equal(s.status, 201, s.text);
    const a = await answer(s.body.id, RIGHT[s.body.scenario.title], session);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.correct, true, s.body.scenario.title);
  }
}

let aide;

describe('practice', () => {
  // inside the describe: root-level hooks may run beside useAdminDaemon's
  before(async () => {
    addUser(path.join(h.tmp, 'x.db'), 'aide', 'staff', PW);
    aide = await login(h.daemon.url, 'aide', PW);
  });

  it('lists the items with a good practice file, nothing played yet', async () => {
    const l = await listed();
    assert.deepEqual(l, [{ id: 'one', title: '演示事项', scenarios: 3, passed_scenarios: 0, passed: null,
      expires: null, passed_before: null, attempts: 0, held: null, lapsed: null, upcoming: null }]);
    const r = await get(h, '/api/v1/staff/practice', null);
    assert.equal(r.status, 401);
    assert.equal((await start({ ...h.staff, csrf: 'nope' })).status, 403);
    const none = await post('/api/v1/staff/practice/two', {});
    assert.equal(none.status, 404, none.text);
    assert.equal(none.body.error.code, 'no_practice');
  });

  it('gives a scenario with its case shaped as the staff case view', async () => {
    const s = await start();
    assert.equal(s.status, 201, s.text);
    assert.match(s.body.id, /^[0-9a-f]{32}$/);
    // a staffer's practice and its made-up ID numbers: never cached
    assert.equal(s.headers.get('cache-control'), 'no-store');
    assert.equal(s.body.scenario.title, '补领，材料齐全');
    assert.deepEqual([s.body.scenario.number, s.body.scenario.of], [1, 3], 'the first of three');
    assert.match(s.body.scenario.text, /王某来补领/);
    // the page shows the story from html, not text
    assert.match(s.body.scenario.html, /^<p>王某来补领/);
    const c = s.body.case;
    assert.equal(c.practice, true);
    // the trainee finds the unmet condition in the story: the case itself
    // has them confirmed, as a real one at the window
    assert.equal(c.conditions_confirmed, true);
    assert.equal(c.procedure, 'one');
    assert.deepEqual(c.values, { kind: '补领', name: '王某', mobile: '13912345678' });
    assert.deepEqual(c.checklist, { id_card: true, old_card: true });
    assert.deepEqual(c.conditions, ['年满 18 周岁', '本市户籍']);
    assert.equal(c.procedure_steps.length, 3);
    // shown as a case that went through every step that applies
    assert.deepEqual(c.procedure_steps.map((x) => x.done), [true, true, true]);
    assert.equal(c.step, 3, 'past the last step, as a case ready to decide');
    const items = c.procedure_steps[1].checklist;
    assert.deepEqual(items.map((x) => [x.id, x.applies, x.ticked]), [['id_card', true, true], ['old_card', true, true]]);
    assert.match(c.procedure_steps[1].staff_html, /核对身份证原件/);
    assert.deepEqual(c.procedure_steps[2].fields.map((f) => [f.key, f.type, f.value]),
      [['name', 'text', '王某'], ['mobile', 'cn_mobile', '13912345678']]);
    // wrong: returned what was in order
    const a = await answer(s.body.id, { decision: 'return', flags: ['id_card'] });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.correct, false);
    assert.deepEqual(a.body.expected, { decision: 'accept', flags: [], condition: null });
    assert.equal(a.headers.get('cache-control'), 'no-store');
    assert.deepEqual(a.body.explain, ['材料齐全，当场受理']);
    assert.ok(a.body.notes.some((n) => n.kind === 'staff' && /核对身份证原件/.test(n.html)));
    // an accept explains every step that applies, each by its index from 0
    // (the first step's is 0, not null)
    assert.deepEqual(a.body.notes.filter((n) => n.kind === 'staff').map((n) => n.step), [0, 1, 2]);
    // once only
    const again = await answer(s.body.id, { decision: 'accept' });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.error.code, 'already_answered');
    // answered is answered, whatever comes after: not judged again as a bad answer (422)
    const late = await answer(s.body.id, { decision: 'refuse', condition: 3 });
    assert.equal(late.status, 409, late.text);
    assert.equal(late.body.error.code, 'already_answered');
  });

  // the scenarios in turn: the next one not yet passed, never the one just
  // answered wrong (its answer was shown) straight again
  it('in turn: a return is judged on the field flagged, with the validator\'s message', async () => {
    const s = await start();
    assert.equal(s.body.scenario.title, '手机号码少写一位', 'the next scenario, not the one answered wrong');
    assert.equal(s.body.case.values.mobile, '1381234567', 'the value as the resident wrote it');
    const bad = await answer(s.body.id, { decision: 'accept' });
    assert.equal(bad.body.correct, false);
    assert.deepEqual(bad.body.expected, { decision: 'return', flags: ['mobile'], condition: null });
    // explain is the scenario's own line, as the contract has it; the
    // validator's message and the rest are in notes (ours)
    assert.deepEqual(bad.body.explain, ['手机号码是 11 位']);
    const field = bad.body.notes.find((n) => n.kind === 'field');
    assert.equal(field.key, 'mobile');
    assert.ok(field.text.length > 0);
    // and the guidance of the flagged field's step alone
    assert.deepEqual(bad.body.notes.filter((n) => n.kind === 'staff').map((n) => n.step), [2]);
    // the validator's code, for the page to tell the kind of mistake
    assert.equal(field.code, 'cn_mobile');
  });

  it('a refuse: the condition answered 否 is right, another is wrong', async () => {
    const s = await start();
    assert.equal(s.body.scenario.title, '外地户籍');
    const bad = await answer(s.body.id, { decision: 'refuse', condition: 1 });
    assert.equal(bad.body.correct, false);
    assert.deepEqual(bad.body.expected, { decision: 'refuse', flags: [], condition: 2 });
    assert.ok(bad.body.notes.some((n) => n.kind === 'condition' && n.condition === 2 && n.text === '本市户籍'));
    assert.deepEqual(bad.body.explain, ['只受理本市户籍'], 'the condition\'s text is a note, not the explain');
  });

  it('round again: each scenario not yet passed in turn, accept scored right', async () => {
    const s0 = await start();
    assert.equal(s0.body.scenario.title, '补领，材料齐全');
    assert.equal((await answer(s0.body.id, { decision: 'accept' })).body.correct, true);
    let l = await listed();
    assert.equal(l[0].attempts, 4);
    assert.equal(l[0].passed_scenarios, 1);
    assert.equal(l[0].passed, null);
    // a start left unanswered moves on too
    const s1 = await start();
    assert.equal(s1.body.scenario.title, '手机号码少写一位');
    const s2 = await start();
    assert.equal(s2.body.scenario.title, '外地户籍');
    const wrongFlag = await answer(s1.body.id, { decision: 'return', flags: ['mobile', 'name'] });
    assert.equal(wrongFlag.body.correct, false);
    assert.equal((await answer(s2.body.id, { decision: 'refuse', condition: 2 })).body.correct, true);
    // the passed ones are skipped: the phone number once more
    const s3 = await start();
    assert.equal(s3.body.scenario.title, '手机号码少写一位');
    const good = await answer(s3.body.id, { decision: 'return', flags: ['mobile'] });
    assert.equal(good.body.correct, true);
    l = await listed();
    assert.equal(l[0].passed_scenarios, 3);
    assert.match(l[0].passed, /^\d{4}-\d{2}-\d{2}$/);
    // the day of the latest right answer, as in readiness: not the last day it counts
    const mine = (await readiness()).qualified.find((q) => q.user === 'clerk');
    assert.equal(l[0].passed, mine.passed);
    assert.notEqual(l[0].passed, mine.expires);
    // all passed: the scenarios in turn, after the last played
    const next = await start();
    assert.equal(next.body.scenario.title, '外地户籍');
  });

  it('refuses bad answers with 422, another user\'s or an unknown id with 404', async () => {
    const s = await start();
    for (const [body, code] of [
      [{ decision: 'maybe' }, 'bad_decision'],
      [{}, 'bad_decision'],
      [{ decision: 'return' }, 'bad_flags'],
      [{ decision: 'return', flags: ['passport'] }, 'bad_flags'],
      [{ decision: 'return', flags: [3] }, 'bad_flags'],
      [{ decision: 'return', flags: Array(101).fill('mobile') }, 'bad_flags'],
      [{ decision: 'refuse' }, 'bad_condition'],
      [{ decision: 'refuse', condition: 3 }, 'bad_condition'],
      [{ decision: 'refuse', condition: 1.5 }, 'bad_condition'],
      // beyond int: the cast was undefined (fuzz_bodies, corpus regress-practice-condition-huge)
      [{ decision: 'refuse', condition: 1e205 }, 'bad_condition'],
      [{ decision: 'refuse', condition: -4294967297 }, 'bad_condition'],
    ]) {
      const r = await answer(s.body.id, body);
      assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.body.error.code, code, JSON.stringify(body));
      assert.match(r.body.error.message, /[\u4e00-\u9fff]/);
    }
    const other = await answer(s.body.id, { decision: 'accept' }, aide);
    assert.equal(other.status, 404, other.text);
    assert.equal((await answer('0'.repeat(32), { decision: 'accept' })).status, 404);
    assert.equal((await answer('nope', { decision: 'accept' })).status, 404);
    // a bad answer was not an answer; and a return may flag up to 100
    // (docs/http-api.md: 1 to 100), the 100th not refused
    const most = await answer(s.body.id, { decision: 'return', flags: Array(100).fill('mobile') });
    assert.equal(most.status, 200, most.text);
  });

  // the pages' routes: only their APIs are used elsewhere
  it('serves the pages /staff/practice and /admin/readiness', async () => {
    for (const [page, js] of [['/staff/practice', 'practice'], ['/admin/readiness', 'readiness']]) {
      const r = await get(h, page, null);
      assert.equal(r.status, 200, page);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/, page);
      assert.match(r.text, new RegExp(`/assets/${js}\\.[0-9a-f]{8}\\.js`), page);
    }
  });

  it('readiness: short with one qualified, not short with two', async () => {
    let r = await readiness();
    assert.deepEqual(r.qualified.map((q) => q.user), ['clerk']);
    assert.equal(r.short, true);
    assert.equal(r.scenarios, 3);
    let whole = await get(h, '/api/v1/admin/readiness');
    assert.equal(whole.headers.get('cache-control'), 'no-store');
    assert.equal(whole.body.days, 365, 'a pass counts 365 days');
    assert.ok(whole.body.staff.includes('aide') && whole.body.staff.includes('clerk'));
    assert.deepEqual(whole.body.names, {}, 'nobody has a display name yet');
    // an item with no practice file is named apart: nobody can show they handle it
    assert.deepEqual(whole.body.without_practice, [{ id: 'two', title: '无练习事项', file: 'alpha/two.md' }]);
    // the grid's heads: the names residents and the hall know
    assert.equal(userCmd(['display', 'clerk', '王芳', '--db', path.join(h.tmp, 'x.db')]).status, 0);
    whole = await get(h, '/api/v1/admin/readiness');
    assert.deepEqual(whole.body.names, { clerk: '王芳' });
    assert.equal((await get(h, '/api/v1/admin/readiness', h.staff)).status, 403);
    await passAll(aide);
    r = await readiness();
    assert.deepEqual(r.qualified.map((q) => q.user), ['aide', 'clerk']);
    assert.match(r.qualified[0].passed, /^\d{4}-\d{2}-\d{2}$/);
    // passed today: it counts through the 364th day after
    const exp = new Date(`${r.qualified[0].passed}T12:00:00Z`);
    exp.setUTCDate(exp.getUTCDate() + 364);
    assert.equal(r.qualified[0].expires, exp.toISOString().slice(0, 10));
    assert.equal(r.short, false);
    // each scenario counts from its latest right answer: older right answers
    // to the same scenarios move neither passed nor expires
    const sql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(h.tmp, 'x.db')],
      { input: text, encoding: 'utf8' }).trim();
    sql(`INSERT INTO practice_cases (id, user, procedure_id, procedure_hash, practice_hash, scenarios,
      scenario, title, created_at, answered_at, answered_day, correct, decision, scenario_key)
      SELECT 'y' || substr(id, 2), user, procedure_id, procedure_hash, practice_hash, scenarios,
      scenario, title, created_at, answered_at, date(answered_day, '-100 days'), correct, decision, scenario_key
      FROM practice_cases WHERE user = 'aide' AND correct = 1`);
    try {
      const q = (await readiness()).qualified[0];
      assert.deepEqual([q.passed, q.expires], [r.qualified[0].passed, r.qualified[0].expires]);
      assert.equal((await listed(aide))[0].passed, r.qualified[0].passed);
    } finally {
      sql("DELETE FROM practice_cases WHERE id LIKE 'y%'");
    }
  });

  it('a pass counts for 365 days: one a year and a day old no longer qualifies', async () => {
    const db = path.join(h.tmp, 'x.db');
    const sql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: text, encoding: 'utf8' }).trim();
    const days = sql("SELECT group_concat(id || '=' || answered_day, ' ') FROM practice_cases WHERE user = 'aide'");
    // 365 days counting the answer's own: 364 days back still counts, to today
    sql("UPDATE practice_cases SET answered_day = date('now', 'localtime', '-364 days') WHERE user = 'aide' AND scenario = 0");
    const today = sql("SELECT date('now', 'localtime')");
    let q = (await readiness()).qualified.find((x) => x.user === 'aide');
    assert.ok(q, 'still qualified on the 365th day');
    assert.equal(q.expires, today, 'the last day it counts: the oldest scenario\'s');
    // and the staffer sees it too, to practise again before the post lapses
    assert.deepEqual((await listed(aide)).map((l) => [l.passed, l.expires]), [[q.passed, today]]);
    // passed: the day of the latest right answer (the others'), not of the
    // oldest (364 days back)
    const latest = sql("SELECT max(answered_day) FROM practice_cases WHERE user = 'aide' AND correct = 1");
    assert.equal(q.passed, latest);
    // 365 days back is the 366th day: no longer
    sql("UPDATE practice_cases SET answered_day = date('now', 'localtime', '-365 days') WHERE user = 'aide' AND scenario = 0");
    q = (await readiness()).qualified.find((x) => x.user === 'aide');
    assert.equal(q, undefined, 'a pass counts 365 days, not 366');
    // one of aide's right answers (scenario 0) moved back beyond the year
    sql("UPDATE practice_cases SET answered_day = date('now', 'localtime', '-366 days') WHERE user = 'aide' AND scenario = 0");
    try {
      const r = await readiness();
      assert.deepEqual(r.qualified.map((q) => q.user), ['clerk']);
      assert.equal(r.short, true);
      const l = await listed(aide);
      assert.deepEqual([l[0].passed, l[0].passed_scenarios], [null, 2]);
      // and the next scenario offered is the one whose pass ran out
      const s = await start(aide);
      assert.equal(s.body.scenario.title, '补领，材料齐全');
    } finally {
      for (const pair of days.split(' ')) {
        const [id, day] = pair.split('=');
        sql(`UPDATE practice_cases SET answered_day = '${day}' WHERE id = '${id}'`);
      }
    }
    assert.equal((await readiness()).short, false);
  });

  // "fewer than two staff": a disabled account and an admin's practice are
  // nobody at the window (a review found both counted, short false)
  it('readiness counts active staff only: not a disabled account, not an admin', async () => {
    assert.deepEqual((await readiness()).qualified.map((q) => q.user), ['aide', 'clerk']);
    await passAll(h.admin);
    assert.deepEqual((await readiness()).qualified.map((q) => q.user), ['aide', 'clerk'], 'the admin is not staff');
    const db = path.join(h.tmp, 'x.db');
    assert.equal(userCmd(['disable', 'aide', '--db', db]).status, 0);
    try {
      const r = await readiness();
      assert.deepEqual(r.qualified.map((q) => q.user), ['clerk']);
      assert.equal(r.short, true);
    } finally {
      execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: "UPDATE users SET disabled = 0 WHERE name = 'aide';" });
    }
    assert.equal((await readiness()).short, false);
  });

  // The AB岗 grid showed a staffer one scenario short of the item as "—",
  // like one who never opened it: the manager could not tell whom to ask
  // to finish (a walk of 12-07). practising: who has some scenarios of the
  // current file right within the year, not all; a wrong answer alone is
  // no progress, and whoever passed is not listed there.
  it('readiness names who is part of the way, with how many scenarios are right', async () => {
    addUser(path.join(h.tmp, 'x.db'), 'learner', 'staff', PW);
    const learner = await login(h.daemon.url, 'learner', PW);
    let s = await start(learner);
    assert.equal(s.status, 201, s.text);
    const wrong = s.body.scenario.title === '补领，材料齐全' ? { decision: 'refuse', condition: 1 } : { decision: 'accept' };
    assert.equal((await answer(s.body.id, wrong, learner)).body.correct, false);
    let r = await readiness();
    assert.deepEqual(r.practising, [], 'a wrong answer alone is no progress');
    s = await start(learner);
    const a = await answer(s.body.id, RIGHT[s.body.scenario.title], learner);
    assert.equal(a.body.correct, true, a.text);
    r = await readiness();
    const today = execFileSync('sqlite3', [path.join(h.tmp, 'x.db')],
      { input: "SELECT date('now', 'localtime');", encoding: 'utf8' }).trim();
    assert.deepEqual(r.practising, [{ user: 'learner', passed_scenarios: 1, last: today }]);
    assert.ok(!r.qualified.some((q) => q.user === 'learner'));
    assert.equal((await listed(learner))[0].passed_scenarios, 1, 'the same count as the staffer\'s own list');
    // an account not at the window is nobody's progress either
    assert.equal(userCmd(['disable', 'learner', '--db', path.join(h.tmp, 'x.db')]).status, 0);
    assert.deepEqual((await readiness()).practising, []);
  });

  it('practice ids are not written to the request log', async () => {
    assert.doesNotMatch(h.daemon.stderr(), /practice\/[0-9a-f]{32}/);
    assert.match(h.daemon.stderr(), / method=POST route=\S+ path=\/api\/v1\/staff\/practice\/\{id\}\/answer status=200 /);
  });

  it('practice is never in the queue, the statistics or the day\'s report', async () => {
    const q = await get(h, '/api/v1/staff/queue', h.staff);
    assert.equal(q.status, 200);
    assert.deepEqual([q.body.total, q.body.queue, q.body.in_progress, q.body.filling], [0, [], [], []]);
    const st = await get(h, '/api/v1/admin/stats');
    assert.equal(st.status, 200, st.text);
    const one = st.body.procedures.find((p) => p.id === 'one');
    assert.deepEqual([one.started, one.submitted, one.completed, one.abandoned], [0, 0, 0, 0]);
    const rep = await get(h, '/api/v1/admin/report');
    assert.equal(rep.status, 200, rep.text);
    assert.doesNotMatch(JSON.stringify(rep.body), /clerk|aide/, 'no staffer\'s moves in the report');
  });

  // A typo fixed in the prose, a step renamed, a tip reworded: nothing the
  // judging or the practice case shows has changed, so nobody is asked to
  // practise again and the AB岗 grid stays as it was (each edit used to make
  // the item short until everyone had played it again).
  it('a change in the prose keeps every pass', async () => {
    const before = await readiness();
    assert.deepEqual(before.qualified.map((q) => q.user), ['aide', 'clerk']);
    const mine = (await listed())[0];
    const prose = PROC.replace('演示用的事项。', '演示用的事项，说明改了。')
      .replace('## 第三步：填表', '## 第三步：填写申请表')
      .replace('核对身份证原件与本人是否一致。', '核对身份证原件与本人是否一致，注意有效期。');
    fs.writeFileSync(file(h, 'alpha/one.md'), prose);
    await eventually(h, async () => {
      const p = await get(h, '/api/v1/procedures/one');
      return p.status === 200 && p.body.summary_html.includes('说明改了');
    }, 'the new version');
    const r = await readiness();
    assert.deepEqual(r.qualified.map((q) => q.user), ['aide', 'clerk']);
    assert.deepEqual(r.passed_before, []);
    assert.equal(r.short, false);
    const l = (await listed())[0];
    assert.equal(l.passed, mine.passed);
    assert.equal(l.passed_before, null);
    assert.equal(l.passed_scenarios, 3);
  });

  // A pass is held to each scenario (its key: what it is judged on), not to
  // the whole file: a scenario added to the file used to set every staffer
  // back to 0 of N, and the AB岗 grid went short for an item everyone had
  // practised. Now only the new scenario is asked for, a new title, story or
  // explain keeps a scenario's pass, and a changed case asks for that one.
  it('a scenario added keeps the others\' passes; a changed case asks for that one alone', async () => {
    const sql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(h.tmp, 'x.db')],
      { input: text, encoding: 'utf8' }).trim();
    const EXTRA = `
## 没带身份证
孙某首次办理，忘了带身份证。

\`\`\`case
conditions = 是 是
kind = 首次
name = 孙某
mobile = 13712345678
expect = return id_card
\`\`\`
`;
    const reworded = PRACTICE.replace('## 补领，材料齐全', '## 补领：材料都带齐了')
      .replace('王某来补领，带了身份证和旧证。', '王某来补领证件，身份证和旧证都带来了。')
      .replace('explain = 材料齐全，当场受理', 'explain = 材料齐全，可以当场受理') + EXTRA;
    fs.writeFileSync(file(h, 'alpha/one.practice.md'), reworded);
    await eventually(h, async () => (await readiness()).scenarios === 4, 'the fourth scenario');
    let r = await readiness();
    assert.deepEqual(r.qualified, [], 'nobody has played the new one yet');
    assert.deepEqual(r.passed_before.map((q) => q.user), ['aide', 'clerk']);
    let l = (await listed())[0];
    assert.deepEqual([l.scenarios, l.passed_scenarios, l.passed], [4, 3, null],
      'the three scenarios judged as before keep their passes');
    assert.match(l.passed_before, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(l.attempts, 8, 'the answers to the scenarios still in the file');
    // the one not passed comes first
    const s = await start();
    assert.equal(s.status, 201, s.text);
    assert.equal(s.body.scenario.title, '没带身份证');
    assert.deepEqual(s.body.scenario.number, 4);
    const a = await answer(s.body.id, { decision: 'return', flags: ['id_card'] });
    assert.equal(a.body.correct, true, a.text);
    // a return explains with the guidance of the flagged item's step, not
    // of the steps before or after it
    assert.deepEqual(a.body.notes.filter((n) => n.kind === 'staff').map((n) => n.step), [1]);
    l = (await listed())[0];
    assert.deepEqual([l.passed_scenarios, l.passed_before], [4, null]);
    assert.match(l.passed, /^\d{4}-\d{2}-\d{2}$/);
    r = await readiness();
    assert.deepEqual(r.qualified.map((q) => q.user), ['clerk']);
    assert.deepEqual(r.passed_before.map((q) => q.user), ['aide']);
    // a changed case is a new scenario: its pass no longer counts, the others' do
    fs.writeFileSync(file(h, 'alpha/one.practice.md'),
      reworded.replace('mobile = 1381234567', 'mobile = 138123456'));
    await eventually(h, async () => (await readiness()).qualified.length === 0, 'the changed case');
    l = (await listed())[0];
    assert.deepEqual([l.scenarios, l.passed_scenarios, l.passed], [4, 3, null]);
    const again = await start();
    assert.equal(again.body.scenario.title, '手机号码少写一位');
    assert.equal(again.body.case.values.mobile, '138123456');
    // two scenarios judged the same are two to pass, not one
    const twin = EXTRA.replace('## 没带身份证', '## 又一位没带身份证的');
    fs.writeFileSync(file(h, 'alpha/one.practice.md'), reworded + twin);
    await eventually(h, async () => (await readiness()).scenarios === 5, 'the twin');
    l = (await listed())[0];
    assert.deepEqual([l.scenarios, l.passed_scenarios, l.passed], [5, 4, null]);
    const t = await start();
    assert.equal(t.body.scenario.title, '又一位没带身份证的');
    // a database from before scenario keys: the cases played on a text get
    // their keys when a load stores that text again...
    sql('UPDATE practice_files SET good_keys = NULL; UPDATE practice_cases SET scenario_key = NULL;');
    fs.writeFileSync(file(h, 'alpha/one.practice.md'), PRACTICE);
    await eventually(h, async () => (await readiness()).scenarios === 3, 'the first file again');
    r = await readiness();
    assert.deepEqual(r.qualified.map((q) => q.user), ['aide', 'clerk'], 'passes on that same text kept');
    const unkeyed = "SELECT count(*) FROM practice_cases WHERE scenario_key IS NULL AND practice_hash = (SELECT good_hash FROM practice_files WHERE path = 'alpha/one.practice.md')";
    assert.equal(sql(unkeyed), '0');
    // ...and, the file unchanged (an upgrade), from the stored text
    sql('UPDATE practice_files SET good_keys = NULL; UPDATE practice_cases SET scenario_key = NULL;');
    assert.deepEqual((await readiness()).qualified, [], 'without keys nobody has passed');
    fs.writeFileSync(file(h, 'alpha/two.md'), '# 无练习事项\n\n没有练习题，改了一句。\n\n## 第一步:准备\n- [ ] 身份证\n');
    await eventually(h, async () => (await readiness()).qualified.length === 2, 'the stored text keyed');
    assert.equal(sql(unkeyed), '0');
    assert.equal(sql('SELECT count(*) FROM practice_files WHERE good_keys IS NULL'), '0');
    l = (await listed())[0];
    assert.deepEqual([l.passed_scenarios, l.passed_before], [3, null]);
    // ...and when the upgrade's first load also reads a changed file, the
    // stored text is keyed first (a review found every pass lost)
    sql('UPDATE practice_files SET good_keys = NULL; UPDATE practice_cases SET scenario_key = NULL;');
    fs.writeFileSync(file(h, 'alpha/one.practice.md'), PRACTICE + EXTRA);
    await eventually(h, async () => (await readiness()).scenarios === 4, 'the changed file');
    l = (await listed())[0];
    assert.deepEqual([l.scenarios, l.passed_scenarios], [4, 3], 'the three old scenarios keep their passes');
    fs.writeFileSync(file(h, 'alpha/one.practice.md'), PRACTICE);
    await eventually(h, async () => (await readiness()).scenarios === 3, 'the first file again');
  });

  it('a procedure change asks for practice again: the pass shows as before the change', async () => {
    const old = await start();
    // a paper's wording is a rule: what the window checks
    fs.writeFileSync(file(h, 'alpha/one.md'), PROC.replace('- [ ] 本人身份证 {#id_card}', '- [ ] 本人身份证原件 {#id_card}'));
    await eventually(h, async () => (await readiness()).qualified.length === 0, 'the new version');
    // a case started on the old version is not judged on the new one
    const stale = await answer(old.body.id, RIGHT[old.body.scenario.title]);
    assert.equal(stale.status, 409, stale.text);
    assert.equal(stale.body.error.code, 'practice_changed');
    const r = await readiness();
    assert.deepEqual(r.passed_before.map((q) => q.user), ['aide', 'clerk']);
    // no expires: a pass before the change no longer counts at all
    assert.deepEqual(Object.keys(r.passed_before[0]).sort(), ['passed', 'user']);
    assert.equal(r.short, true);
    const l = await listed();
    assert.equal(l[0].passed, null);
    assert.match(l[0].passed_before, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(l[0].attempts, 0);
    // two earlier whole passes: the later one is shown, in the list and in
    // readiness (an older copy of the same answers, on another text, ten
    // days back; no scenario key, so it is never a current pass)
    const sql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(h.tmp, 'x.db')],
      { input: text, encoding: 'utf8' }).trim();
    const onOld = `user = 'clerk' AND correct = 1
      AND practice_hash = (SELECT practice_hash FROM practice_cases WHERE id = '${old.body.id}')`;
    const latest = sql(`SELECT max(answered_day) FROM practice_cases WHERE ${onOld}`);
    assert.equal(l[0].passed_before, latest);
    sql(`INSERT INTO practice_cases (id, user, procedure_id, procedure_hash, practice_hash, scenarios,
      scenario, title, created_at, answered_at, answered_day, correct, decision)
      SELECT 'z' || substr(id, 2), user, procedure_id, procedure_hash, printf('%064d', 0), scenarios,
      scenario, title, created_at, answered_at, date(answered_day, '-10 days'), correct, decision
      FROM practice_cases WHERE ${onOld}`);
    try {
      assert.equal((await listed())[0].passed_before, latest);
      const clerk = (await readiness()).passed_before.find((q) => q.user === 'clerk');
      assert.equal(clerk.passed, latest);
    } finally {
      sql("DELETE FROM practice_cases WHERE id LIKE 'z%'");
    }
    // a pass before the change counts 365 days too, the answer's own day
    // the first: one of its right answers 364 days back still makes it
    const kept = sql(`SELECT group_concat(id || '=' || answered_day, ' ') FROM practice_cases WHERE ${onOld} AND scenario = 0`);
    sql(`UPDATE practice_cases SET answered_day = date('now', 'localtime', '-364 days') WHERE ${onOld} AND scenario = 0`);
    try {
      const clerk = (await readiness()).passed_before.find((q) => q.user === 'clerk');
      assert.ok(clerk, 'on its 365th day');
      assert.equal(clerk.passed, latest, 'the latest of its scenarios\' days, not the oldest');
    } finally {
      for (const pair of kept.split(' ')) {
        const [id, day] = pair.split('=');
        sql(`UPDATE practice_cases SET answered_day = '${day}' WHERE id = '${id}'`);
      }
    }
    // each scenario counts from its latest right answer: older ones on the
    // same text change nothing
    sql(`INSERT INTO practice_cases (id, user, procedure_id, procedure_hash, practice_hash, scenarios,
      scenario, title, created_at, answered_at, answered_day, correct, decision)
      SELECT 'y' || substr(id, 2), user, procedure_id, procedure_hash, practice_hash, scenarios,
      scenario, title, created_at, answered_at, date(answered_day, '-100 days'), correct, decision
      FROM practice_cases WHERE ${onOld}`);
    try {
      assert.equal((await readiness()).passed_before.find((q) => q.user === 'clerk').passed, latest);
    } finally {
      sql("DELETE FROM practice_cases WHERE id LIKE 'y%'");
    }
    // and the first scenario again
    const s = await start();
    assert.equal(s.body.scenario.title, '补领，材料齐全');
    await answer(s.body.id, { decision: 'accept' });
    await passAll(h.staff);
    const after = await readiness();
    assert.deepEqual(after.qualified.map((q) => q.user), ['clerk']);
    assert.deepEqual(after.passed_before.map((q) => q.user), ['aide']);
    // passed again: the staffer's list no longer speaks of the earlier pass
    const mine = await listed();
    assert.match(mine[0].passed, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(mine[0].passed_before, null);
  });

  // A procedure change that its practice file no longer fits: the item stays
  // in the AB岗 grid, short and not playable (a review saw it vanish).
  it('an item whose practice file cannot be played now is listed short, not left out', async () => {
    assert.equal((await readiness()).playable, true);
    fs.writeFileSync(file(h, 'alpha/one.md'), PROC.replace('演示用的事项。', '演示用的事项，第三版。'));
    fs.writeFileSync(file(h, 'alpha/one.practice.md'), PRACTICE.replace('expect = return mobile', 'expect = return no_such_part'));
    await eventually(h, async () => {
      const r = (await get(h, '/api/v1/admin/readiness')).body.procedures.find((p) => p.id === 'one');
      return r && r.playable === false;
    }, 'the item listed as not playable');
    const r = (await get(h, '/api/v1/admin/readiness')).body.procedures.find((p) => p.id === 'one');
    assert.deepEqual([r.short, r.scenarios, r.qualified], [true, 0, []]);
    assert.equal(r.title.length > 0, true);
    fs.writeFileSync(file(h, 'alpha/one.practice.md'), PRACTICE);
    await eventually(h, async () => (await readiness())?.playable === true, 'playable again');
  });

  // the tally skips only a name no account can have: a staffer whose name
  // is as long as a name may be (ACCOUNTS_NAME_MAX, 32) passes like any other
  it('a staffer with a name of the longest length qualifies', async () => {
    const name = 'n'.repeat(32);
    addUser(path.join(h.tmp, 'x.db'), name, 'staff', PW);
    const session = await login(h.daemon.url, name, PW);
    await passAll(session);
    const l = (await listed(session))[0];
    assert.deepEqual([l.passed_scenarios, typeof l.passed], [3, 'string']);
    assert.ok((await readiness()).qualified.some((q) => q.user === name), 'in the AB岗 grid');
  });

  // passed_before is a whole pass of an earlier version: every scenario
  // played on a text changed since, one of them right, is not one
  it('a part of an earlier pass is no pass before the change', async () => {
    const db = path.join(h.tmp, 'x.db');
    addUser(db, 'novice', 'staff', PW);
    const session = await login(h.daemon.url, 'novice', PW);
    // one scenario right, the other two wrong (condition 1 is met in each)
    for (let i = 0; i < 3; i++) {
      const s = await start(session);
      const a = await answer(s.body.id, i === 0 ? RIGHT[s.body.scenario.title] : { decision: 'refuse', condition: 1 }, session);
      assert.equal(a.body.correct, i === 0, s.body.scenario.title);
    }
    // as if the practice file had changed since: another text, no scenario key
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], {
      input: "UPDATE practice_cases SET practice_hash = printf('%064d', 0), scenario_key = NULL WHERE user = 'novice';" });
    const l = (await listed(session))[0];
    assert.deepEqual([l.passed_scenarios, l.passed, l.passed_before], [0, null, null]);
    assert.ok(!(await readiness()).passed_before.some((q) => q.user === 'novice'), 'not in the AB岗 grid either');
  });
});
