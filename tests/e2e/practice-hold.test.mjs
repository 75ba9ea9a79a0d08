// The readiness page and the practice list across a scenario added and a
// pass that lapsed (a practice review):
// - the admin adds a scenario: the two who passed the item before still
//   cover it (the row was marked 不足两人 at once, the item short for the
//   hall), their cells say a new scenario is to be done and until when, and
//   the staffer's list says 已通过 with the new scenario to do;
// - a pass whose year is over says 已过期 with its last day, in the grid, in
//   whom to train (a refresher first) and on the staffer's list; it looked
//   like no pass at all.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { addUser, adminPassword, authHeaders, login, makeTmp, writeTree, rmTmp } from '../api/helpers.mjs';
import { useKiosk, kioskPage, adminGoto, axeSerious, poll, LANDSCAPE } from './helpers.mjs';

const PROC = `# 亲属关系证明

开具亲属关系证明。

## 第一步：材料
- [ ] 本人身份证 {#id_card}

## 第二步：填表

\`\`\`form
name | 姓名 | text | required max=10
\`\`\`
`;
const PRACTICE = `# 亲属关系证明 · 练习

## 材料齐全
王某带了身份证。

\`\`\`case
brought = id_card
name = 王某
expect = accept
\`\`\`
`;
const EXTRA = `
## 没带身份证
李某忘了带身份证。

\`\`\`case
name = 李某
expect = return id_card
\`\`\`
`;
const RIGHT = { 材料齐全: { decision: 'accept' }, 没带身份证: { decision: 'return', flags: ['id_card'] } };

const src = makeTmp('spkiosk-e2e-practice-hold-');
writeTree(src, { 'cert/README.md': '# 证明\n\n证明事项。\n', 'cert/kin.md': PROC, 'cert/kin.practice.md': PRACTICE });
const h = useKiosk({ tree: src });
after(() => rmTmp(src));

const PW = 'staff-password-1';
async function pass(name, n) {
  const s = await login(h.url, name, PW);
  for (let i = 0; i < n; i++) {
    const c = await fetch(`${h.url}/api/v1/staff/practice/kin`, { method: 'POST', headers: authHeaders(s), body: '{}' });
    assert.equal(c.status, 201);
    const { id, scenario } = await c.json();
    const a = await fetch(`${h.url}/api/v1/staff/practice/${id}/answer`, {
      method: 'POST', headers: authHeaders(s), body: JSON.stringify(RIGHT[scenario.title]) });
    assert.equal((await a.json()).correct, true);
  }
}
async function scenarios() {
  const s = await login(h.url, 'zhao', PW);
  const r = await fetch(`${h.url}/api/v1/staff/practice`, { headers: { Cookie: s.cookie } });
  return (await r.json()).procedures.find((p) => p.id === 'kin')?.scenarios;
}

describe('readiness and the practice list across an added scenario and a lapsed pass', () => {
  let kp, db;
  before(async () => {
    db = path.join(h.tmp, 'e2e.db');
    for (const u of ['wang', 'li', 'zhao']) addUser(db, u, 'staff', PW);
    kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
  });
  after(async () => {
    if (kp) {
      kp.assertClean('readiness and practice list');
      await kp.context.close();
    }
  });

  const grid = async () => {
    const { page } = kp;
    await adminGoto(page, `${h.url}/admin/readiness`, adminPassword(h.daemon), '#readiness');
    return page.locator('#readiness tr[data-id="kin"]');
  };
  const cellOf = async (row, user) => {
    const heads = await kp.page.locator('#readiness thead th').evaluateAll((ths) => ths.map((t) => t.title));
    return row.locator('td, th').nth(heads.indexOf(user));
  };

  it('a scenario added: the item is still covered, the new one to do before the passes lapse', async () => {
    await pass('wang', 1);
    await pass('li', 1);
    fs.writeFileSync(path.join(src, 'cert/kin.practice.md'), PRACTICE + EXTRA);
    await poll(async () => assert.equal(await scenarios(), 2));
    const row = await grid();
    assert.equal(await row.getAttribute('class'), null, 'not marked short');
    // one figure, 能办理 (passed or held), and beside it how many did every
    // scenario: the grid said 已通过人数 2 under 做对全部练习题 while neither had
    assert.match(await row.locator('th').innerText(), /新增了练习题：原有的通过仍然有效，最早 \d{4}-\d{2}-\d{2} 到期；做对全部 2 题的 0 人/);
    assert.equal(await kp.page.locator('#readiness thead th').nth(1).innerText(), '能办理人数');
    assert.equal(await row.locator('td.num').innerText(), '2');
    assert.match(await kp.page.locator('#readiness-cap').innerText(), /^每个事项能办理的工作人员（/);
    assert.doesNotMatch(await row.innerText(), /不足两人/);
    assert.match(await (await cellOf(row, 'wang')).innerText(), /已通过 \d{4}-\d{2}-\d{2} 有效至 \d{4}-\d{2}-\d{2} 有新增练习题待做/);
    assert.match(await kp.page.locator('#short-count').innerText(), /每个事项都至少有两人能办理/);
    assert.equal(await kp.page.locator('#to-train li[data-id="kin"]').count(), 0);
    assert.deepEqual(await axeSerious(kp.page), []);
  });

  it('a lapsed pass: 已过期 with its day, a refresher first', async () => {
    await pass('zhao', 2);
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], {
      input: "UPDATE practice_cases SET answered_day = date(answered_day, '-400 days') WHERE user = 'zhao';" });
    const expires = execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], {
      input: "SELECT date(min(d), '+364 days') FROM (SELECT max(answered_day) AS d FROM practice_cases WHERE user = 'zhao' AND correct = 1 GROUP BY scenario);",
      encoding: 'utf8' }).trim();
    // one of the two held passes gone: the item is short, and zhao is named
    // first for it, as a refresher
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], {
      input: "UPDATE users SET disabled = 1 WHERE name = 'li';" });
    const row = await grid();
    assert.match(await (await cellOf(row, 'zhao')).innerText(), new RegExp(`已过期 ${expires}`));
    assert.match(await kp.page.locator('#to-train li[data-id="kin"]').innerText(), new RegExp(`先安排：wang（有新增练习题，请在 \\d{4}-\\d{2}-\\d{2} 前做完）、zhao（${expires} 已过期，重新练习即可）`));
    assert.deepEqual(await axeSerious(kp.page), []);
  });

  it('the staffer\'s list: 已通过 with the new scenario to do; 已过期 with its day', async () => {
    const { page } = kp;
    // the admin's session of the grid: the list is a staffer's
    await page.context().clearCookies();
    await page.goto(`${h.url}/staff/practice`);
    const as = async (name) => {
      await page.locator('#login-name').fill(name);
      await page.locator('#login-pass').fill(PW);
      await page.locator('form.login-form button[type=submit]').click();
      const r = page.locator('#practice-list tr[data-id="kin"]');
      await r.waitFor();
      return r;
    };
    const wang = await as('wang');
    assert.match(await wang.innerText(), /已通过（\d{4}-\d{2}-\d{2}） 有效至 (\d{4}-\d{2}-\d{2}) 新增了 1 道练习题，请在 \1 前做完/);
    assert.deepEqual(await axeSerious(page), []);
    await page.context().clearCookies();
    await page.goto(`${h.url}/staff/practice`);
    const zhao = await as('zhao');
    assert.match(await zhao.innerText(), /已过期（\d{4}-\d{2}-\d{2} 通过，\d{4}-\d{2}-\d{2} 到期），请重新练习/);
  });

  // New rules scheduled for a later date: practice moves to them at once,
  // and the grid went short that day though the rules in force were
  // passed; now those passes hold until the day before, and both pages say
  // to practise the new version by then.
  it('new rules scheduled: the passes of the rules in force hold until the day before', async () => {
    const { page } = kp;
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: "UPDATE users SET disabled = 0 WHERE name = 'li';" });
    const d = new Date();
    d.setDate(d.getDate() + 30);
    const eff = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    fs.writeFileSync(path.join(src, 'cert/kin.md'), `---\neffective: ${eff}\n---\n` + PROC.replace('本人身份证 {#id_card}', '本人身份证原件 {#id_card}'));
    await poll(async () => {
      const s = await login(h.url, 'zhao', PW);
      const r = await fetch(`${h.url}/api/v1/staff/practice`, { headers: { Cookie: s.cookie } });
      assert.equal((await r.json()).procedures.find((p) => p.id === 'kin')?.upcoming, eff);
    });
    await page.context().clearCookies();
    const row = await grid();
    assert.equal(await row.getAttribute('class'), null, 'not marked short');
    assert.match(await row.locator('th').innerText(), new RegExp(`新版 ${eff} 起施行：按现行版本的通过在此前仍然有效`));
    assert.match(await (await cellOf(row, 'wang')).innerText(), new RegExp(`待练 ${eff} 起施行的新版`));
    assert.deepEqual(await axeSerious(page), []);
    await page.context().clearCookies();
    await page.goto(`${h.url}/staff/practice`);
    await page.locator('#login-name').fill('wang');
    await page.locator('#login-pass').fill(PW);
    await page.locator('form.login-form button[type=submit]').click();
    const mine = page.locator('#practice-list tr[data-id="kin"]');
    await mine.waitFor();
    assert.match(await mine.innerText(), new RegExp(`已通过（\\d{4}-\\d{2}-\\d{2}） 有效至 \\d{4}-\\d{2}-\\d{2} ${eff} 起按新版办理，请在此前按新版练习`));
  });

  // An item the B post may do at the home (visit: yes): the grid said who
  // could serve at the window, never whether anyone who goes to homes
  // could handle it. Its row names who can, with their posts, and each
  // column head its staffer's posts.
  it('an item done at homes: who can handle it, with their posts', async () => {
    const { page } = kp;
    fs.writeFileSync(path.join(src, '_posts.md'), '# 岗位\n\n- window 综合窗口（A岗）\n- visit 上门服务（B岗）\n');
    fs.writeFileSync(path.join(src, 'cert/kin.md'), '---\nvisit: yes\n---\n' + PROC);
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: "UPDATE users SET posts = 'visit' WHERE name = 'wang';" });
    await page.context().clearCookies();
    await poll(async () => {
      const line = await (await grid()).locator('th .visit-line').innerText();
      assert.match(line, /^可上门办理：上门的人也要能办理这个事项；能办理的是 /);
      assert.match(line, /wang（上门服务（B岗））/);
      assert.match(line, /li（综合窗口（A岗））/);
    }, { timeout: 15000 });
    assert.match(await page.locator('#readiness thead th[title="wang"]').innerText(), /上门服务（B岗）/);
    assert.deepEqual(await axeSerious(page), []);
  });
});
