// The readiness page says which items need practice arranged and whom to
// send (a practice review: the grid showed each pass's last day, but not
// that an item was about to lose its B post, nor who to train): the items
// short now, and those that will be short once a pass lapses within 30
// days, each naming first who passed before an update or whose pass is
// lapsing, then who is part of the way (练习中), then the other staff. The
// staffer sees the day too.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { addUser, adminPassword, authHeaders, login, makeTmp, writeTree, rmTmp } from '../api/helpers.mjs';
import { useKiosk, kioskPage, adminGoto, axeSerious, LANDSCAPE } from './helpers.mjs';

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
\`\`\`case
brought = id_card
name = 王某
expect = accept
\`\`\`

## 姓名没填
\`\`\`case
brought = id_card
expect = return name
\`\`\`
`;

const src = makeTmp('spkiosk-e2e-readiness-plan-');
writeTree(src, { 'cert/README.md': '# 证明\n\n证明事项。\n', 'cert/kin.md': PROC, 'cert/kin.practice.md': PRACTICE });
const h = useKiosk({ tree: src });
after(() => rmTmp(src));

const PW = 'staff-password-1';
const RIGHT = { 材料齐全: { decision: 'accept' }, 姓名没填: { decision: 'return', flags: ['name'] } };
// answers `count` scenarios right, in turn (both: the item passed)
async function pass(name, count = 2) {
  const s = await login(h.url, name, PW);
  for (let i = 0; i < count; i++) {
    const c = await fetch(`${h.url}/api/v1/staff/practice/kin`, { method: 'POST', headers: authHeaders(s), body: '{}' });
    assert.equal(c.status, 201);
    const { id, scenario } = await c.json();
    const a = await fetch(`${h.url}/api/v1/staff/practice/${id}/answer`, {
      method: 'POST', headers: authHeaders(s), body: JSON.stringify(RIGHT[scenario.title]) });
    assert.equal((await a.json()).correct, true);
  }
}

describe('the readiness page: whom to train', () => {
  let kp, db;
  before(async () => {
    db = path.join(h.tmp, 'e2e.db');
    for (const u of ['wang', 'li', 'zhao']) addUser(db, u, 'staff', PW);
    kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
  });
  after(async () => {
    if (kp) await kp.context.close();
  });

  const plan = async () => {
    const { page } = kp;
    await adminGoto(page, `${h.url}/admin/readiness`, adminPassword(h.daemon), '#readiness');
    return page.locator('#to-train li[data-id="kin"]');
  };

  it('a short item: how many are missing, and who could go', async () => {
    await pass('wang');
    const item = await plan();
    assert.match(await item.innerText(), /能办理 1 人，还差 1 人。可以安排：li、zhao/);
  });

  it('an item whose second pass lapses within 30 days: listed before it is short, that staffer first', async () => {
    await pass('li');
    const sql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: text, encoding: 'utf8' });
    sql("UPDATE practice_cases SET answered_day = date('now', 'localtime', '-350 days') WHERE user = 'li'");
    const item = await plan();
    const { page } = kp;
    assert.equal(await page.locator('#readiness tr.short').count(), 0, 'two qualified: not short yet');
    assert.match(await item.innerText(), /到期后只剩 1 人能办理，还差 1 人。先安排：li（\d{4}-\d\d-\d\d 到期，请在到期前重新练习）；也可以安排：zhao/);
    assert.match(await page.locator('#readiness tr[data-id="kin"] td', { hasText: '即将到期' }).innerText(), /有效至/);
    assert.deepEqual(await axeSerious(page), []);
    kp.assertClean('readiness page');
  });

  // the grid showed a staffer one scenario short as "—", like one who never
  // began, and listed them among the others (a walk of 12-07)
  it('a staffer part of the way: the cell says how far, and the plan names them before those who never began', async () => {
    await pass('zhao', 1);
    const item = await plan();
    const { page } = kp;
    assert.match(await item.innerText(), /先安排：li（\d{4}-\d\d-\d\d 到期，请在到期前重新练习）、zhao（练习中，已做对 1 \/ 2 题）$/);
    const cells = page.locator('#readiness tr[data-id="kin"] td');
    // the columns: 能办理人数, then wang, li, zhao as the staff list has them
    const heads = await page.locator('#readiness thead th').allInnerTexts();
    const col = heads.findIndex((t) => t.startsWith('zhao')) - 1;
    assert.ok(col > 0, heads.join('|'));
    assert.equal((await cells.nth(col).innerText()).trim(), '练习中：做对 1 / 2 题');
    assert.deepEqual(await axeSerious(page), []);
  });

  // printed for a meeting, the grid kept its first staffer's column only
  // (it scrolls sideways on the screen): the sheet has an item a row, the
  // names in its cells, within an A4 page's width whatever the staff
  it('on paper: every item with who can handle it and who is to practise, within the sheet', async () => {
    const { page } = kp;
    await plan();
    assert.match(await page.locator('.readiness-asof').innerText(), /^截至 \d{4}-\d\d-\d\d/);
    try {
      await page.emulateMedia({ media: 'print' });
      // A4 less the margins at 96 px an inch
      await page.setViewportSize({ width: 700, height: 990 });
      const sheet = page.locator('#readiness-print');
      await sheet.waitFor({ state: 'visible' });
      assert.equal(await page.locator('.readiness-wrap').isVisible(), false, 'the grid is the screen\'s');
      assert.equal(await page.locator('#print').isVisible(), false);
      const row = await sheet.locator('tr[data-id="kin"]').innerText();
      assert.match(row, /wang（\d{4}-\d\d-\d\d）/);
      assert.match(row, /li（\d{4}-\d\d-\d\d，即将到期）/);
      assert.match(row, /zhao（练习中 1 \/ 2）/);
      const box = await sheet.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 700, JSON.stringify(box));
    } finally {
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize(LANDSCAPE);
    }
    assert.equal(await page.locator('#readiness-print').isVisible(), false, 'on the screen, the grid alone');
  });

  it('the staffer whose pass lapses is told on the practice page, with the day', async () => {
    const mine = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
    try {
      const { page } = mine;
      await page.goto(`${h.url}/staff/practice`);
      await page.locator('#login-name').fill('li');
      await page.locator('#login-pass').fill(PW);
      await page.locator('form.login-form button[type=submit]').click();
      const row = page.locator('#practice-list tr[data-id="kin"]');
      await row.waitFor();
      assert.match(await row.innerText(), /已通过（\d{4}-\d\d-\d\d） 有效至 \d{4}-\d\d-\d\d 即将到期，请重新练习/);
      mine.assertClean('practice page');
    } finally {
      await mine.context.close();
    }
  });
});
