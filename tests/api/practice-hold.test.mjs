// A staffer's practice across the admin's edits (网页模拟, AB岗):
// - a scenario half-way through survives a load that changed neither what
//   it is judged on nor what the window checks (a typo fixed in the
//   procedure, a scenario added beside it), and not one that did;
// - a scenario added to the file: the passes earned on the file before
//   stand until they lapse (held), so the hall is still covered (covered),
//   while `short` stays as the contract counts it (every scenario);
// - a pass that lapsed is said (lapsed, 已过期) with its dates, not shown
//   as no pass at all.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  LIBFAKETIME, addUser, authHeaders, login, makeTmp, request, rmTmp, stoppedClockAt, stoppedClockEnv,
} from './helpers.mjs';
import { PW, eventually, file, get, preview, putSource, sha256, useAdminDaemon } from './admin-helpers.mjs';

const PROC = `# 演示事项

演示用的事项。

## 办理条件
- 本市户籍

## 第一步：材料
- [ ] 本人身份证 {#id_card}

> 核对身份证原件。 {staff}

## 第二步：填表

\`\`\`form
mobile | 手机号码 | cn_mobile | required
\`\`\`
`;

const PRACTICE = `# 演示 · 练习

## 材料齐全
王某带了身份证。

\`\`\`case
conditions = 是
brought = id_card
mobile = 13912345678
expect = accept
\`\`\`

## 外地户籍
赵某是外地户籍。

\`\`\`case
conditions = 否
brought = id_card
mobile = 13612345678
expect = refuse 1
\`\`\`
`;

const EXTRA = `
## 没带身份证
孙某忘了带身份证。

\`\`\`case
conditions = 是
mobile = 13712345678
expect = return id_card
\`\`\`
`;

const RIGHT = {
  材料齐全: { decision: 'accept' },
  外地户籍: { decision: 'refuse', condition: 1 },
  没带身份证: { decision: 'return', flags: ['id_card'] },
};

const h = useAdminDaemon({
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/one.md': PROC,
  'alpha/one.practice.md': PRACTICE,
});

const db = () => path.join(h.tmp, 'x.db');
const sql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db()], { input: text, encoding: 'utf8' }).trim();
const post = (p, body, session) => request(`${h.daemon.url}${p}`, {
  method: 'POST', headers: authHeaders(session), body: JSON.stringify(body ?? {}),
});
const start = (session) => post('/api/v1/staff/practice/one', {}, session);
const answer = (id, body, session) => post(`/api/v1/staff/practice/${id}/answer`, body, session);
async function listed(session) {
  const r = await get(h, '/api/v1/staff/practice', session);
  assert.equal(r.status, 200, r.text);
  return r.body.procedures.find((p) => p.id === 'one');
}
async function readiness() {
  const r = await get(h, '/api/v1/admin/readiness');
  assert.equal(r.status, 200, r.text);
  return r.body.procedures.find((p) => p.id === 'one');
}
async function passAll(session, n) {
  for (let i = 0; i < n; i++) {
    const s = await start(session);
    assert.equal(s.status, 201, s.text);
    const a = await answer(s.body.id, RIGHT[s.body.scenario.title], session);
    assert.equal(a.body.correct, true, a.text);
  }
}
async function rewrite(rel, text, seen, what) {
  fs.writeFileSync(file(h, rel), text);
  await eventually(h, seen, what);
}

let aide, novice;

describe('practice across edits', () => {
  before(async () => {
    addUser(db(), 'aide', 'staff', PW);
    addUser(db(), 'novice', 'staff', PW);
    aide = await login(h.daemon.url, 'aide', PW);
    novice = await login(h.daemon.url, 'novice', PW);
  });

  // A trainee half-way through a scenario lost it (409 practice_changed)
  // to a typo fixed in the procedure's summary: nothing they answer changed.
  it('an open scenario survives a typo fixed in the procedure', async () => {
    const s = await start(h.staff);
    assert.equal(s.status, 201, s.text);
    await rewrite('alpha/one.md', PROC.replace('演示用的事项。', '演示用的事项（错字已改）。'),
      async () => (await get(h, '/api/v1/procedures/one')).body.summary_html?.includes('错字已改'), 'the fixed procedure');
    const a = await answer(s.body.id, RIGHT[s.body.scenario.title], h.staff);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.correct, true);
    const l = await listed(h.staff);
    assert.deepEqual([l.passed_scenarios, l.attempts], [1, 1], 'the answer counts');
    assert.equal((await answer(s.body.id, RIGHT[s.body.scenario.title], h.staff)).status, 409, 'still once');
  });

  it('an open scenario survives a scenario added beside it, not a change to itself', async () => {
    const s = await start(h.staff);
    assert.equal(s.body.scenario.title, '外地户籍');
    await rewrite('alpha/one.practice.md', PRACTICE + EXTRA, async () => (await readiness()).scenarios === 3, 'the added scenario');
    const a = await answer(s.body.id, RIGHT['外地户籍'], h.staff);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.correct, true);
    // what the scenario is judged on changed: its answer may be another now
    const t = await start(h.staff);
    assert.equal(t.body.scenario.title, '没带身份证');
    await rewrite('alpha/one.practice.md', PRACTICE + EXTRA.replace('expect = return id_card', 'expect = return id_card mobile'),
      async () => (await get(h, '/api/v1/admin/readiness')).text.includes('"scenarios":3') &&
        sql("SELECT count(*) FROM practice_files WHERE good_source LIKE '%id_card mobile%'") === '1', 'the changed scenario');
    const stale = await answer(t.body.id, RIGHT['没带身份证'], h.staff);
    assert.equal(stale.status, 409, stale.text);
    assert.equal(stale.body.error.code, 'practice_changed');
    // and a change to what the window checks (a paper's wording)
    const u = await start(h.staff);
    assert.equal(u.status, 201, u.text);
    await rewrite('alpha/one.md', PROC.replace('本人身份证 {#id_card}', '本人身份证原件 {#id_card}'),
      async () => (await get(h, '/api/v1/procedures/one')).text.includes('本人身份证原件'), 'the paper reworded');
    const v = await answer(u.body.id, RIGHT[u.body.scenario.title] || { decision: 'accept' }, h.staff);
    assert.equal(v.status, 409, v.text);
    assert.equal(v.body.error.code, 'practice_changed');
    // back to the first files for what follows
    await rewrite('alpha/one.md', PROC, async () => !(await get(h, '/api/v1/procedures/one')).text.includes('本人身份证原件'), 'PROC');
    await rewrite('alpha/one.practice.md', PRACTICE, async () => (await readiness()).scenarios === 2, 'PRACTICE');
  });

  // Adding a scenario made the item short for the hall at once: every
  // staffer's pass stopped counting the moment the admin saved.
  it('a scenario added: passes earned before stand until they lapse', async () => {
    await passAll(aide, 2);
    await passAll(h.staff, 2);
    let r = await readiness();
    assert.deepEqual([r.qualified.map((q) => q.user), r.short, r.covered], [['aide', 'clerk'], false, true]);
    const was = Object.fromEntries(r.qualified.map((q) => [q.user, q]));
    await rewrite('alpha/one.practice.md', PRACTICE + EXTRA, async () => (await readiness()).scenarios === 3, 'the added scenario');
    r = await readiness();
    // the contract's short counts every scenario of the item
    assert.deepEqual([r.qualified, r.short], [[], true]);
    assert.deepEqual(r.held, [
      { user: 'aide', passed: was.aide.passed, expires: was.aide.expires },
      { user: 'clerk', passed: was.clerk.passed, expires: was.clerk.expires }]);
    assert.equal(r.covered, true, 'the hall is still covered');
    let l = await listed(aide);
    assert.deepEqual([l.passed, l.passed_scenarios, l.scenarios], [null, 2, 3]);
    assert.deepEqual(l.held, { passed: was.aide.passed, expires: was.aide.expires });
    assert.equal(l.lapsed, null);
    // the new one passed: a pass of the current file, nothing held
    await passAll(aide, 1);
    l = await listed(aide);
    assert.match(l.passed, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(l.held, null);
    r = await readiness();
    assert.deepEqual([r.qualified.map((q) => q.user), r.held.map((q) => q.user), r.covered], [['aide'], ['clerk'], true]);
    // a held pass lapses as it would have: its oldest answer's 365th day
    const keep = sql("SELECT group_concat(id || '=' || answered_day, ' ') FROM practice_cases WHERE user = 'clerk'");
    sql("UPDATE practice_cases SET answered_day = date('now', 'localtime', '-365 days') WHERE user = 'clerk' AND scenario = 0");
    try {
      r = await readiness();
      assert.deepEqual([r.held, r.covered, r.short], [[], false, true]);
      assert.equal((await listed(h.staff)).held, null);
    } finally {
      for (const pair of keep.split(' ')) {
        const [id, day] = pair.split('=');
        sql(`UPDATE practice_cases SET answered_day = '${day}' WHERE id = '${id}'`);
      }
    }
    // a scenario changed (not only added): what was right may be wrong now
    await rewrite('alpha/one.practice.md', PRACTICE.replace('mobile = 13612345678', 'mobile = 13612345679') + EXTRA,
      async () => (await readiness()).qualified.length === 0, 'the changed scenario');
    r = await readiness();
    assert.deepEqual([r.held, r.covered], [[], false]);
    await rewrite('alpha/one.practice.md', PRACTICE + EXTRA, async () => (await readiness()).qualified.length === 1, 'back');
    // a procedure change to what the window checks asks everyone again
    await rewrite('alpha/one.md', PROC.replace('本人身份证 {#id_card}', '本人身份证原件 {#id_card}'),
      async () => (await readiness()).qualified.length === 0, 'the paper reworded');
    r = await readiness();
    assert.deepEqual([r.held, r.covered], [[], false]);
    assert.equal((await listed(h.staff)).held, null);
    await rewrite('alpha/one.md', PROC, async () => (await readiness()).qualified.length === 1, 'PROC');
  });

  // A lapsed pass looked like none: the manager could not tell whom to send
  // for a refresher and whom for a first training.
  it('a lapsed pass says 已过期 with its dates, on the list and on readiness', async () => {
    await passAll(novice, 3);
    assert.match((await listed(novice)).passed, /^\d{4}-\d{2}-\d{2}$/);
    sql("UPDATE practice_cases SET answered_day = date(answered_day, '-400 days') WHERE user = 'novice'");
    const passed = sql("SELECT max(answered_day) FROM practice_cases WHERE user = 'novice' AND correct = 1");
    const expires = sql(`SELECT date(min(d), '+364 days') FROM (SELECT max(answered_day) AS d FROM practice_cases
      WHERE user = 'novice' AND correct = 1 GROUP BY scenario)`);
    const l = await listed(novice);
    assert.deepEqual([l.passed, l.passed_before, l.held, l.passed_scenarios], [null, null, null, 0]);
    assert.deepEqual(l.lapsed, { passed, expires });
    const r = await readiness();
    assert.deepEqual(r.lapsed, [{ user: 'novice', passed, expires }]);
    assert.ok(!r.qualified.some((q) => q.user === 'novice'));
    // a set never whole within one year is no pass that lapsed: one right
    // answer two years back and one today never made a pass
    const keepN = sql("SELECT group_concat(id || '=' || answered_day, ' ') FROM practice_cases WHERE user = 'novice'");
    sql("UPDATE practice_cases SET answered_day = date('now', 'localtime', '-800 days') WHERE user = 'novice' AND scenario = 0");
    sql("UPDATE practice_cases SET answered_day = date('now', 'localtime') WHERE user = 'novice' AND scenario = 1");
    try {
      assert.equal((await listed(novice)).lapsed, null);
      assert.deepEqual((await readiness()).lapsed, []);
    } finally {
      for (const pair of keepN.split(' ')) {
        const [id, day] = pair.split('=');
        sql(`UPDATE practice_cases SET answered_day = '${day}' WHERE id = '${id}'`);
      }
    }
    // a pass made over two texts of the same scenarios (a story reworded
    // between the answers) lapses as any other
    sql(`UPDATE practice_cases SET practice_hash = printf('%064d', 7) WHERE user = 'novice' AND scenario = 0`);
    try {
      assert.deepEqual((await listed(novice)).lapsed, { passed, expires });
      assert.deepEqual((await readiness()).lapsed, [{ user: 'novice', passed, expires }]);
    } finally {
      sql(`UPDATE practice_cases SET practice_hash = (SELECT good_hash FROM practice_files) WHERE user = 'novice'`);
    }
    // begun again, two of three right today: still 已过期 (with the days of
    // the pass that lapsed) until the third, not 练习中 like a newcomer
    await passAll(novice, 2);
    const again = await listed(novice);
    assert.deepEqual([again.passed, again.passed_scenarios, again.lapsed], [null, 2, { passed, expires }]);
    assert.deepEqual((await readiness()).lapsed, [{ user: 'novice', passed, expires }]);
    // who passed again is not lapsed
    await passAll(novice, 1);
    assert.equal((await listed(novice)).lapsed, null);
    assert.deepEqual((await readiness()).lapsed, []);
  });
});

// A version with new rules scheduled for a later date: practice moves to
// it at once (staff learn the new rules before they apply), but residents
// are served the live version until then, and who passed its rules can
// still handle the item: the grid went short the day the admin scheduled.
describe('a version scheduled for later', () => {
  const g = useAdminDaemon({
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/one.md': PROC,
    'alpha/one.practice.md': PRACTICE,
  });
  const gpost = (p, session) => request(`${g.daemon.url}${p}`, { method: 'POST', headers: authHeaders(session), body: '{}' });
  const ganswer = (id, body, session) => request(`${g.daemon.url}/api/v1/staff/practice/${id}/answer`,
    { method: 'POST', headers: authHeaders(session), body: JSON.stringify(body) });
  const glisted = async (session) => (await get(g, '/api/v1/staff/practice', session)).body.procedures.find((p) => p.id === 'one');
  const gready = async () => (await get(g, '/api/v1/admin/readiness')).body.procedures.find((p) => p.id === 'one');
  const day = (n) => {
    const d = new Date();
    d.setDate(d.getDate() + n);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };

  it('passes of the live rules count until the new ones take effect', async () => {
    addUser(path.join(g.tmp, 'x.db'), 'aide', 'staff', PW);
    const aide2 = await login(g.daemon.url, 'aide', PW);
    for (const s of [g.staff, aide2])
      for (let i = 0; i < 2; i++) {
        const st = await gpost('/api/v1/staff/practice/one', s);
        assert.equal(st.status, 201, st.text);
        assert.equal((await ganswer(st.body.id, RIGHT[st.body.scenario.title], s)).body.correct, true);
      }
    const was = Object.fromEntries((await gready()).qualified.map((q) => [q.user, q]));
    assert.deepEqual(Object.keys(was).sort(), ['aide', 'clerk']);
    const eff = day(30);
    // the same rules scheduled (the prose only): the passes are simply passes
    fs.writeFileSync(file(g, 'alpha/one.md'), `---\neffective: ${day(20)}\n---\n` + PROC.replace('演示用的事项。', '演示用的事项（新版）。'));
    await eventually(g, async () => (await glisted(g.staff))?.upcoming === day(20), 'the prose scheduled');
    let r = await gready();
    assert.deepEqual([r.qualified.map((q) => q.user), r.held, r.short, r.upcoming], [['aide', 'clerk'], [], false, day(20)]);
    fs.writeFileSync(file(g, 'alpha/one.md'),
      `---\neffective: ${eff}\n---\n` + PROC.replace('本人身份证 {#id_card}', '本人身份证原件 {#id_card}'));
    await eventually(g, async () => (await glisted(g.staff))?.upcoming === eff, 'the scheduled version');
    r = await gready();
    assert.deepEqual([r.qualified, r.short, r.upcoming], [[], true, eff], 'nobody passed the new rules');
    assert.deepEqual(r.held, [
      { user: 'aide', passed: was.aide.passed, expires: day(29) },
      { user: 'clerk', passed: was.clerk.passed, expires: day(29) }], 'until the day before they apply');
    assert.equal(r.covered, true);
    assert.deepEqual((await glisted(g.staff)).held, { passed: was.clerk.passed, expires: day(29) });
  });
});

// The admin fixes a typo in a paper's name, a condition or a field's label
// and saves it as such (只改了错别字或措辞, ?editorial=1): nothing the window
// checks changed, yet every pass went 更新前通过 and the AB岗 grid went
// short for a typo. Now a save so marked that differs from the live text in
// words only keeps the passes; one that changes what is checked (an id, a
// rule) is an update for practice whatever the box says, and an unmarked
// save is one as the contract's rule has it.
describe('a wording fix saved as such', () => {
  const TYPO = PROC.replace('本人身份证 {#id_card}', '本人身分证 {#id_card}');
  const w = useAdminDaemon({
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/one.md': TYPO,
    'alpha/one.practice.md': PRACTICE,
  });
  const wpost = (p, body, session) => request(`${w.daemon.url}${p}`,
    { method: 'POST', headers: authHeaders(session), body: JSON.stringify(body ?? {}) });
  const wlisted = async (session) => (await get(w, '/api/v1/staff/practice', session)).body.procedures.find((p) => p.id === 'one');
  const wready = async () => (await get(w, '/api/v1/admin/readiness')).body.procedures.find((p) => p.id === 'one');
  const etag = async () => (await get(w, '/api/v1/admin/procedures/one/source')).headers.get('etag');
  async function save(text, editorial) {
    const r = await putSource(w, 'one', text, { 'If-Match': await etag() }, { query: editorial ? '?editorial=1' : '' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.live, true, r.text);
    if (editorial) assert.equal(r.body.editorial, true, r.text);
    // the practice file is proved on the new version before it is offered
    await eventually(w, async () => (await wlisted(w.staff))?.scenarios === 2 &&
      (await get(w, '/api/v1/procedures/one')).body.hash === sha256(text), 'the saved text live for practice');
    return r;
  }
  const lapseSaid = (r) => r.body.warnings.filter((d) => /^练习：/.test(d.message));
  const users = (arr) => arr.map((q) => q.user);

  it('keeps the passes when the words alone changed', async () => {
    addUser(path.join(w.tmp, 'x.db'), 'aide', 'staff', PW);
    const aide2 = await login(w.daemon.url, 'aide', PW);
    for (const s of [w.staff, aide2])
      for (let i = 0; i < 2; i++) {
        const st = await wpost('/api/v1/staff/practice/one', {}, s);
        assert.equal(st.status, 201, st.text);
        assert.equal((await wpost(`/api/v1/staff/practice/${st.body.id}/answer`, RIGHT[st.body.scenario.title], s)).body.correct, true);
      }
    let r = await wready();
    assert.deepEqual([users(r.qualified), r.short, r.covered], [['aide', 'clerk'], false, true]);
    const was = r.qualified;
    // a scenario begun before the fix is answered after it, and counts
    const open = await wpost('/api/v1/staff/practice/one', {}, w.staff);
    assert.equal(open.status, 201, open.text);
    // the paper's name, then a condition's wording, then a field's label
    const fixed = [PROC, PROC.replace('- 本市户籍', '- 具有本市户籍'),
      PROC.replace('- 本市户籍', '- 具有本市户籍').replace('| 手机号码 |', '| 本人手机号码 |')];
    for (const text of fixed) {
      // the answer says nothing of passes lapsing: they were kept (it
      // carried the check's notice 不勾的话……作废……不足两人, false now)
      const saved = await save(text, true);
      assert.deepEqual(lapseSaid(saved), [], saved.text);
      r = await wready();
      assert.deepEqual([r.qualified, r.passed_before, r.held, r.short, r.covered], [was, [], [], false, true], text);
      const l = await wlisted(aide2);
      assert.deepEqual([l.passed, l.passed_before, l.passed_scenarios], [was[0].passed, null, 2]);
    }
    const a = await wpost(`/api/v1/staff/practice/${open.body.id}/answer`, RIGHT[open.body.scenario.title], w.staff);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.correct, true);
  });

  // The summary edited after a typo fix, unmarked (or on the server): the
  // version's own practice key was the one before the fix, not the key its
  // passes were held to, and every pass lapsed for a change of prose.
  it('keeps them over a later change of prose alone, and the editor says nothing', async () => {
    const was = (await wready()).qualified;
    assert.equal(was.length, 2);
    const prose = (await get(w, '/api/v1/admin/procedures/one/source')).text.replace('演示用的事项。', '演示用的事项，简介改了。');
    const p = await preview(w, '?id=one&file=alpha/one.md', prose);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.practice_lapse, null, p.text);
    await save(prose, false);
    const r = await wready();
    assert.deepEqual([r.qualified, r.passed_before, r.short], [was, [], false]);
  });

  it('does not keep them over a changed rule or an unmarked save', async () => {
    const last = (await get(w, '/api/v1/admin/procedures/one/source')).text;
    // a field's rule changed (a mobile number to any phone), the box ticked:
    // the answer keeps the notice, true here (the box cannot keep them)
    const saved = await save(last.replace('| cn_mobile |', '| phone |'), true);
    assert.equal(lapseSaid(saved).length, 1, saved.text);
    assert.match(lapseSaid(saved)[0].message, /也保留不了/);
    let r = await wready();
    assert.deepEqual([r.qualified, users(r.passed_before), r.short, r.covered], [[], ['aide', 'clerk'], true, false]);
    assert.match((await wlisted(w.staff)).passed_before, /^\d{4}-\d{2}-\d{2}$/);
    // the text before it saved back: its passes are its own again
    await save(last, false);
    r = await wready();
    assert.deepEqual([users(r.qualified), r.short], [['aide', 'clerk'], false]);
    // words changed in an ordinary save: the contract's rule, practise again
    await save(last.replace('- 具有本市户籍', '- 具有本市常住户籍'), false);
    r = await wready();
    assert.deepEqual([r.qualified, users(r.passed_before), r.short], [[], ['aide', 'clerk'], true]);
  });

  // readiness says which items the B post may do at the home (visit: yes),
  // for the page to name who of those who can handle it goes there
  it('readiness says which items may be done at the home', async () => {
    const text = (await get(w, '/api/v1/admin/procedures/one/source')).text;
    assert.equal((await wready()).visit, false);
    await save('---\nvisit: yes\n---\n' + text, false);
    assert.equal((await wready()).visit, true);
  });
});

// The admin was not told before saving: a condition fixed on Monday, and on
// Tuesday the AB岗 grid had the item 不足两人 because every pass had lapsed.
// The editor's check (preview, and a save's warnings) now says, before the
// save, when the text would change what the passes are held to and staff
// hold passes on it: how many lapse, whether the item is then short, and
// whether 只改了错别字或措辞 could keep them (words only). Never an error.
describe('the editor says which passes a save would lapse', () => {
  const n = useAdminDaemon({
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/one.md': PROC,
    'alpha/one.practice.md': PRACTICE,
  });
  const ndb = () => path.join(n.tmp, 'x.db');
  const nsql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', ndb()], { input: text, encoding: 'utf8' }).trim();
  const npost = (p, body, session) => request(`${n.daemon.url}${p}`,
    { method: 'POST', headers: authHeaders(session), body: JSON.stringify(body ?? {}) });
  const nready = async () => (await get(n, '/api/v1/admin/readiness')).body.procedures.find((p) => p.id === 'one');
  const nlisted = async (session) => (await get(n, '/api/v1/staff/practice', session)).body.procedures.find((p) => p.id === 'one');
  async function npass(session, k) {
    for (let i = 0; i < k; i++) {
      const s = await npost('/api/v1/staff/practice/one', {}, session);
      assert.equal(s.status, 201, s.text);
      assert.equal((await npost(`/api/v1/staff/practice/${s.body.id}/answer`, RIGHT[s.body.scenario.title], session)).body.correct, true);
    }
  }
  async function check(text) {
    const r = await preview(n, '?id=one&file=alpha/one.md', text);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, true, r.text);
    const said = r.body.errors.filter((d) => /练习通过/.test(d.message));
    assert.ok(said.length <= 1, r.text);
    if (said.length) assert.deepEqual([said[0].severity, said[0].line], ['warning', 1]);
    return { lapse: r.body.practice_lapse, said: said[0]?.message };
  }
  const day = (k) => {
    const d = new Date();
    d.setDate(d.getDate() + k);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };
  const RULE = PROC.replace('| cn_mobile |', '| phone |');
  const WORDS = PROC.replace('本人身份证 {#id_card}', '本人身份证原件 {#id_card}');
  let aide, novice;

  it('says nothing while nobody holds a pass', async () => {
    addUser(ndb(), 'aide', 'staff', PW);
    addUser(ndb(), 'novice', 'staff', PW);
    aide = await login(n.daemon.url, 'aide', PW);
    novice = await login(n.daemon.url, 'novice', PW);
    assert.deepEqual(await check(RULE), { lapse: null, said: undefined });
  });

  it('counts the passes that lapse and says the item goes short', async () => {
    await npass(aide, 2);
    await npass(n.staff, 2);
    await npass(novice, 1);
    const r = await nready();
    assert.deepEqual([r.qualified.map((q) => q.user), r.short], [['aide', 'clerk'], false]);
    const rule = await check(RULE);
    assert.deepEqual(rule.lapse, { passes: 2, partial: 1, left: 0, short: true, wording_only: false, effective: null,
      mark_applies: true, waiting: null });
    assert.match(rule.said, /2 名工作人员/);
    assert.match(rule.said, /不足两人/);
    assert.match(rule.said, /勾上「只改了错别字或措辞」也保留不了/);
    // words only: the box would keep them, and the notice says so
    const words = await check(WORDS);
    assert.deepEqual(words.lapse, { passes: 2, partial: 1, left: 0, short: true, wording_only: true, effective: null,
      mark_applies: true, waiting: null });
    assert.match(words.said, /勾上「只改了错别字或措辞」再保存，2 名工作人员的练习通过保留/);
    // prose alone, or the live text itself: nothing lapses, nothing said
    assert.deepEqual(await check(PROC.replace('演示用的事项。', '演示用的事项，已改。')), { lapse: null, said: undefined });
    assert.deepEqual(await check(PROC), { lapse: null, said: undefined });
    // a new version for a later date: they lapse on that day, and the box
    // is no help there (its going live is an update)
    const eff = day(30);
    const later = await check(`---\neffective: ${eff}\n---\n` + WORDS);
    assert.deepEqual(later.lapse, { passes: 2, partial: 1, left: 0, short: true, wording_only: true, effective: eff,
      mark_applies: false, waiting: null });
    assert.match(later.said, new RegExp(`到 ${eff} 新版本生效时`));
    assert.doesNotMatch(later.said, /勾上「只改了错别字或措辞」再保存/);
    // a disabled account is no one at the window, as on the grid
    nsql("UPDATE users SET disabled = 1 WHERE name = 'aide'");
    try {
      assert.deepEqual((await check(RULE)).lapse, { passes: 1, partial: 1, left: 0, short: true, wording_only: false, effective: null,
      mark_applies: true, waiting: null });
    } finally {
      nsql("UPDATE users SET disabled = 0 WHERE name = 'aide'");
    }
  });

  it('never blocks the save, and says what the grid then shows', async () => {
    const etag = async () => (await get(n, '/api/v1/admin/procedures/one/source')).headers.get('etag');
    let r = await putSource(n, 'one', RULE, { 'If-Match': await etag() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.live, true);
    assert.ok(r.body.warnings.some((d) => /2 名工作人员/.test(d.message)), r.text);
    await eventually(n, async () => (await nlisted(aide))?.passed === null && (await nlisted(aide))?.scenarios === 2, 'RULE live for practice');
    let g = await nready();
    assert.deepEqual([g.qualified, g.short], [[], true], 'as the notice said: nobody left');
    // two pass the new rules; going back to the old text brings the old
    // passes back (they are held to its key), which the notice counts
    await npass(aide, 2);
    await npass(novice, 2);
    const back = await check(PROC);
    assert.deepEqual(back.lapse, { passes: 2, partial: 0, left: 2, short: false, wording_only: false, effective: null,
      mark_applies: true, waiting: null });
    assert.doesNotMatch(back.said, /不足两人/);
    r = await putSource(n, 'one', PROC, { 'If-Match': await etag() });
    assert.equal(r.status, 200, r.text);
    await eventually(n, async () => (await nlisted(n.staff))?.passed !== null, 'PROC live for practice');
    g = await nready();
    assert.deepEqual([g.qualified.map((q) => q.user), g.short], [['aide', 'clerk'], false]);
  });

  // The file holds a new version waiting for its date, and the admin edits
  // it in the normal editor into words-only changes of the live text with
  // no date (or 撤回排期 and fixed a typo): the save ignores the box there
  // (the file is not the live text), yet the notice said 勾上……保留, and
  // the passes lapsed. It now says the box does not apply, and points to
  // 只改在用版本, where it does (the preview is told so by ?live_fix=1).
  it('says the box cannot keep them when the file holds a waiting text', async () => {
    const etag = async () => (await get(n, '/api/v1/admin/procedures/one/source')).headers.get('etag');
    const eff = day(30);
    const waitingText = `---\neffective: ${eff}\n---\n` + PROC.replace('演示用的事项。', '演示用的事项（新版）。');
    let r = await putSource(n, 'one', waitingText, { 'If-Match': await etag() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.scheduled, eff, r.text);
    await eventually(n, async () => (await nlisted(n.staff))?.upcoming === eff, 'the waiting text');
    const plain = await check(WORDS);
    assert.deepEqual(plain.lapse, { passes: 2, partial: 1, left: 0, short: true, wording_only: true, effective: null,
      mark_applies: false, waiting: eff });
    assert.match(plain.said, new RegExp(`文件里现在是 ${eff} 生效的新版本（排期）：这样保存，这段文字马上上线、不再排期`));
    assert.match(plain.said, /勾上「只改了错别字或措辞」也按更新算，保存后，2 名工作人员的练习通过作废/);
    assert.match(plain.said, /只改在用版本（排期的新版本不变）/);
    assert.doesNotMatch(plain.said, /再保存，2 名工作人员的练习通过保留/);
    // the same text as a live fix: the box applies there
    const fix = await preview(n, '?id=one&file=alpha/one.md&live_fix=1', WORDS);
    assert.equal(fix.status, 200, fix.text);
    assert.deepEqual(fix.body.practice_lapse, { passes: 2, partial: 1, left: 0, short: true, wording_only: true,
      effective: null, mark_applies: true, waiting: null });
    assert.ok(fix.body.errors.some((d) => /勾上「只改了错别字或措辞」再保存，2 名工作人员的练习通过保留/.test(d.message)), fix.text);
    // and both notices are what the saves then do: the live fix keeps them
    const live = (await get(n, '/api/v1/admin/procedures/one/source?version=live')).headers.get('etag').replace(/"/g, '');
    r = await request(`${n.daemon.url}/api/v1/admin/procedures/one/live-source?file=alpha/one.md&waiting=${sha256(waitingText)}&editorial=1`, {
      method: 'PUT', body: WORDS,
      headers: { ...authHeaders(n.admin), 'Content-Type': 'text/markdown; charset=utf-8', 'If-Match': `"${live}"` } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.editorial, r.body.rescheduled], [true, true], r.text);
    // kept: the answer no longer carries the notice of what would lapse
    assert.ok(!r.body.warnings.some((d) => /练习通过/.test(d.message)), r.text);
    await eventually(n, async () => (await get(n, '/api/v1/procedures/one')).body.hash === sha256(WORDS), 'the live fix');
    assert.deepEqual((await nready()).qualified.map((q) => q.user), ['aide', 'clerk']);
    // the normal editor's save of another wording fix over the waiting text
    const more = WORDS.replace('- 本市户籍', '- 具有本市户籍');
    const said = await check(more);
    assert.deepEqual([said.lapse.wording_only, said.lapse.mark_applies, said.lapse.waiting], [true, false, eff]);
    r = await putSource(n, 'one', more, { 'If-Match': await etag() }, { query: '?editorial=1' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.live, r.body.editorial], [true, false], r.text);
    assert.ok(r.body.warnings.some((d) => /也按更新算/.test(d.message)), r.text);
    await eventually(n, async () => (await nlisted(n.staff))?.upcoming === null &&
      (await get(n, '/api/v1/procedures/one')).body.hash === sha256(more), 'the save live for practice');
    assert.deepEqual((await nready()).qualified, [], 'as the notice said: they lapsed');
  });
});

// A wording fix saved as such keeps the passes (above). A version scheduled
// after it that changes prose only (the summary for the new year) was held
// to nothing while it waited: practice moves to a scheduled version at
// once, so from the day the admin scheduled it the grid had the item
// 不足两人 and every staffer's pass stood only until the day before, as if
// the rules had changed, though the editor's check had said nothing
// lapses. It is now held when it is stored, as a save of the same text
// would be; and a schedule the date makes live without its file being
// read again (the file has errors by then; its schedule stored by an older
// build) is held by the promotion the same way. No more: a rule changed in
// the scheduled text still lapses the passes on its date. On a stopped
// clock moved over midnight, the day's load started by SIGHUP.
describe('a version scheduled after a wording fix, on its date', { skip: fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime' }, () => {
  const clockDir = makeTmp('spkiosk-clock-');
  const clock = path.join(clockDir, 'clock');
  stoppedClockAt(clock, 14 * 3600 - 60); // 2026-01-05 23:59:00 UTC
  after(() => rmTmp(clockDir));
  const TITLE = { one: '# 演示事项', two: '# 另一事项', three: '# 第三事项' };
  const titled = (id, text) => text.replace('# 演示事项', TITLE[id]);
  const TYPO = PROC.replace('本人身份证 {#id_card}', '本人身分证 {#id_card}');
  const tree = { 'alpha/README.md': '# 甲类\n\n甲类事项。\n' };
  for (const id of Object.keys(TITLE)) {
    tree[`alpha/${id}.md`] = titled(id, TYPO);
    tree[`alpha/${id}.practice.md`] = PRACTICE;
  }
  const d = useAdminDaemon(tree, { env: stoppedClockEnv(clock) });
  const ddb = () => path.join(d.tmp, 'x.db');
  const dsql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', ddb()], { input: text, encoding: 'utf8' }).trim();
  const dpost = (p, body, session) => request(`${d.daemon.url}${p}`,
    { method: 'POST', headers: authHeaders(session), body: JSON.stringify(body ?? {}) });
  const dready = async (id) => (await get(d, '/api/v1/admin/readiness')).body.procedures.find((p) => p.id === id);
  const dlisted = async (id, session) => (await get(d, '/api/v1/staff/practice', session)).body.procedures.find((p) => p.id === id);
  const users = (arr) => arr.map((q) => q.user);
  async function save(id, text, editorial) {
    const etag = (await get(d, `/api/v1/admin/procedures/${id}/source`)).headers.get('etag');
    const r = await putSource(d, id, text, { 'If-Match': etag }, { query: editorial ? '?editorial=1' : '' });
    assert.equal(r.status, 200, r.text);
    return r.body;
  }

  it('keeps the passes of a prose change, and lapses those of a rule change', async () => {
    addUser(ddb(), 'aide', 'staff', PW);
    const aide = await login(d.daemon.url, 'aide', PW);
    for (const id of Object.keys(TITLE))
      for (const s of [d.staff, aide])
        for (let i = 0; i < 2; i++) {
          const st = await dpost(`/api/v1/staff/practice/${id}`, {}, s);
          assert.equal(st.status, 201, st.text);
          assert.equal((await dpost(`/api/v1/staff/practice/${st.body.id}/answer`, RIGHT[st.body.scenario.title], s)).body.correct, true);
        }
    // the typo fixed in the live versions, saved as such: the passes stay
    for (const id of Object.keys(TITLE)) {
      const fixed = titled(id, PROC);
      const r = await save(id, fixed, true);
      assert.deepEqual([r.live, r.editorial], [true, true], JSON.stringify(r));
      await eventually(d, async () => (await dlisted(id, d.staff))?.scenarios === 2 &&
        (await get(d, `/api/v1/procedures/${id}`)).body.hash === sha256(fixed), `${id} fixed, live for practice`);
      assert.deepEqual(users((await dready(id)).qualified), ['aide', 'clerk'], id);
    }
    // tomorrow's versions: one and three change their summary, two a rule
    const front = '---\neffective: 2026-01-06\n---\n';
    const next = {
      one: front + titled('one', PROC.replace('演示用的事项。', '演示用的事项（2026 年版）。')),
      two: front + titled('two', PROC.replace('| cn_mobile |', '| phone |')),
      three: front + titled('three', PROC.replace('演示用的事项。', '演示用的事项（2026 年版）。')),
    };
    for (const id of Object.keys(TITLE)) {
      const r = await save(id, next[id], false);
      assert.deepEqual([r.live, r.scheduled], [false, '2026-01-06'], JSON.stringify(r));
      await eventually(d, async () => (await dlisted(id, d.staff))?.upcoming === '2026-01-06', `${id} scheduled for practice`);
    }
    // while they wait: the same rules, the same passes; the new rule's
    // passes of the old rules hold until the day before, as before
    for (const id of ['one', 'three']) {
      const r = await dready(id);
      assert.deepEqual([users(r.qualified), r.held, r.short], [['aide', 'clerk'], [], false], id);
      const l = await dlisted(id, aide);
      assert.deepEqual([l.passed, l.held, l.upcoming], ['2026-01-05', null, '2026-01-06'], id);
    }
    let r = await dready('two');
    assert.deepEqual([r.qualified, users(r.held), r.short, r.covered], [[], ['aide', 'clerk'], true, true]);
    // three: its schedule as an older build stored it (no hold of its
    // own), and its file edited on the server into errors before the
    // date, so that the date's load cannot read it again: the schedule
    // alone makes it live
    dsql(`DELETE FROM practice_key_held WHERE procedure_id = 'three' AND hash = '${sha256(next.three)}'`);
    fs.writeFileSync(file(d, 'alpha/three.md'), next.three.replace('# 第三事项', '第三事项，标题忘了井号'));
    await eventually(d, async () => /1 with errors/.test(d.daemon.stderr().split('\n').filter((x) => /spkiosk: loaded /.test(x)).pop()),
      'three.md with errors');
    assert.equal((await dready('three')).upcoming, '2026-01-06');

    stoppedClockAt(clock, 14 * 3600 + 5); // 2026-01-06 00:00:05
    d.daemon.proc.kill('SIGHUP');
    await eventually(d, async () => {
      for (const id of Object.keys(TITLE))
        if ((await get(d, `/api/v1/procedures/${id}`)).body.hash !== sha256(next[id])) return false;
      return true;
    }, 'the three versions live on their date');
    for (const id of ['one', 'three']) {
      r = await dready(id);
      assert.deepEqual([users(r.qualified), r.passed_before, r.held, r.short, r.upcoming],
        [['aide', 'clerk'], [], [], false, null], id);
      const l = await dlisted(id, aide);
      assert.deepEqual([l.passed, l.passed_before, l.upcoming], ['2026-01-05', null, null], id);
    }
    r = await dready('two');
    assert.deepEqual([r.qualified, users(r.passed_before), r.held, r.short, r.covered], [[], ['aide', 'clerk'], [], true, false]);
  });
});
