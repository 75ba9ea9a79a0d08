// The practice page (/staff/practice) and readiness (/admin/readiness) in a
// desktop browser over the sample library: a staffer who has passed the
// labour handbook's first scenario logs in, sees the item 练习中, gets the
// return scenario (an expired residence permit) with the case as the staff
// view shows it, answers it wrongly (受理) and is told what was expected and
// why, gets it again and answers it rightly by flagging the permit. An
// admin's readiness page shows the item without two qualified staff
// highlighted. axe-core on each state; keyboard only for the right answer.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { addUser, authHeaders, login, makeTmp, request, startDaemon, stopChecked, userCmd } from '../api/helpers.mjs';
import { SAMPLE_TREE, kioskPage, shot, poll, axeSerious, horizontalOverflow, LANDSCAPE, WEB_DIR, launchBrowser } from './helpers.mjs';

const PW = 'wang-password-1';
const TARGET = '外地户籍，居住证已过期';

const h = { daemon: null, browser: null, tmp: null, url: '', item: null, items: 0 };
before(async () => {
  h.tmp = makeTmp('spkiosk-e2e-practice-');
  const db = path.join(h.tmp, 'e2e.db');
  h.daemon = await startDaemon({ tree: SAMPLE_TREE, db, args: WEB_DIR ? ['--web', path.resolve(WEB_DIR)] : [] });
  addUser(db, 'boss', 'admin', 'admin-pass-42');
  addUser(db, 'wang', 'staff', PW);
  assert.equal(userCmd(['display', 'wang', '王芳', '--db', db]).status, 0);
  h.url = h.daemon.url;
  // every scenario but the expired permit's passed through the API, so that
  // the page offers that one (the only one not passed; the scenarios come in
  // turn): a scenario's expected answer comes back with a wrong one, and it
  // is answered right when its turn comes again
  const wang = await login(h.url, 'wang', PW);
  const post = (p, body) => request(`${h.url}${p}`, { method: 'POST', headers: authHeaders(wang), body: JSON.stringify(body) });
  const expected = {};
  for (let i = 0; ; i++) {
    assert.ok(i < 40, 'the scenarios of the sample library are not all passed');
    const l = await request(`${h.url}/api/v1/staff/practice`, { headers: { Cookie: wang.cookie } });
    const it = l.body.procedures.find((p) => p.id === 'labour-handbook');
    if (it.passed_scenarios === it.scenarios - 1) break;
    const s = await post('/api/v1/staff/practice/labour-handbook', {});
    assert.equal(s.status, 201, s.text);
    if (s.body.scenario.title === TARGET) continue;
    const a = await post(`/api/v1/staff/practice/${s.body.id}/answer`, expected[s.body.scenario.title] ?? { decision: 'accept' });
    assert.equal(a.status, 200, a.text);
    if (!a.body.correct) expected[s.body.scenario.title] = a.body.expected;
  }
  const l = await request(`${h.url}/api/v1/staff/practice`, { headers: { Cookie: wang.cookie } });
  h.item = l.body.procedures.find((p) => p.id === 'labour-handbook');
  h.items = l.body.procedures.length;
  h.browser = await launchBrowser();
});
after(async () => {
  try {
    if (h.browser) await h.browser.close();
  } finally {
    await stopChecked(h.daemon, h.tmp);
  }
});

async function logIn(page, name, pass) {
  await page.locator('#login-name').fill(name);
  await page.locator('#login-pass').fill(pass);
  await page.locator('form.login-form button[type=submit]').click();
  await page.locator('#session .session-badge').waitFor();
}

describe('the practice page', () => {
  let kp;
  let page;
  before(async () => {
    kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false, reuse: true });
    page = kp.page;
  });
  after(async () => {
    if (kp) {
      kp.assertClean('practice page');
      await kp.close();
    }
  });

  it('the staff page links to it; the list shows the staffer\'s progress', async () => {
    await page.goto(`${h.url}/staff`);
    await logIn(page, 'wang', PW);
    await page.locator('nav a[href="/staff/practice"]').click();
    await page.waitForURL(/\/staff\/practice$/);
    const row = page.locator('#practice-list tr[data-id="labour-handbook"]');
    await row.waitFor();
    assert.ok(h.item.passed_scenarios >= 1);
    assert.match(await row.innerText(), new RegExp(`练习中（已做对 ${h.item.passed_scenarios} / ${h.item.scenarios} 题）`));
    assert.match(await page.locator('#practice-list tr[data-id="residence-permit"]').innerText(), /未练习/);
    assert.deepEqual(await axeSerious(page), []);
    await shot(page, 'practice-01-list');
  });

  it('a return scenario answered wrongly: what was expected and why', async () => {
    await page.locator('#start-labour-handbook').click();
    await page.locator('#scenario-h').waitFor();
    assert.equal((await page.locator('#scenario-h').innerText()).trim(), TARGET);
    assert.match(await page.locator('.practice-story').innerText(), /居住证上的有效期到去年 6 月/);
    // the case as the window sees it: the permit ticked, the form filled in
    assert.equal(await page.locator('#pitem-residence_permit').isChecked(), true);
    assert.equal(await page.locator('#pfield-name').inputValue(), '李强');
    // 这一步有误 on each step, as in the staff case view
    assert.ok(await page.locator('.practice-step .spreport-open').count() >= 1);
    assert.deepEqual(await axeSerious(page), []);
    await shot(page, 'practice-02-scenario');
    await page.locator('#decision-accept').check();
    assert.equal(await page.locator('#flags').isVisible(), false);
    await page.locator('#decide').click();
    await page.locator('#verdict').waitFor();
    assert.match(await page.locator('#verdict-h').innerText(), /回答错误/);
    const v = await page.locator('#verdict').innerText();
    assert.match(v, /应当：退回补正：材料：.*居住证/);
    assert.match(v, /居住证须在有效期内/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'verdict-h');
    assert.deepEqual(await axeSerious(page), []);
    await shot(page, 'practice-03-wrong');
  });

  it('the same scenario again, answered rightly with the keyboard', async () => {
    await page.locator('#next').click();
    // a new practice case: the page drawn again, without a verdict
    await poll(async () => assert.equal(await page.locator('#verdict').count(), 0));
    assert.equal((await page.locator('#scenario-h').innerText()).trim(), TARGET);
    await page.locator('#decision-return').focus();
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#flags').isVisible(), true);
    await page.locator('#flag-residence_permit').focus();
    await page.keyboard.press('Space');
    await page.locator('#decide').focus();
    await page.keyboard.press('Enter');
    await page.locator('#verdict').waitFor();
    assert.match(await page.locator('#verdict-h').innerText(), /回答正确/);
    await shot(page, 'practice-04-right');
    await page.locator('#back').click();
    const row = page.locator('#practice-list tr[data-id="labour-handbook"]');
    // the last scenario not passed: the item is passed now
    assert.equal(h.item.passed_scenarios + 1, h.item.scenarios);
    await poll(async () => assert.match(await row.innerText(), /已通过（\d{4}-\d{2}-\d{2}）/));
    assert.equal((await row.locator('td').nth(2).innerText()).trim(), String(h.item.attempts + 2), 'two more attempts');
  });
});

describe('the readiness page', () => {
  it('items × staff, items with fewer than two qualified highlighted', async () => {
    const kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false, reuse: true });
    const page = kp.page;
    try {
      await page.goto(`${h.url}/admin`);
      await logIn(page, 'boss', 'admin-pass-42');
      await page.locator('nav a[href="/admin/readiness"]').click();
      await page.waitForURL(/\/admin\/readiness$/);
      const row = page.locator('#readiness tr[data-id="labour-handbook"]');
      await row.waitFor();
      assert.ok(await row.evaluate((r) => r.classList.contains('short')));
      assert.match(await row.innerText(), /不足两人/);
      const head = await page.locator('#readiness thead th').allInnerTexts();
      // the name the hall knows, the login name in the head's title, the
      // posts under the name (who may go to homes: p4)
      assert.ok(head.some((t) => t.split('\n')[0] === '王芳'), head.join(','));
      assert.match(await page.locator('#readiness thead th[title="wang"]').innerText(), /^王芳\n.*岗/);
      // one staffer at most passed an item: every item is short
      assert.equal(await page.locator('#readiness tr.short').count(), h.items);
      assert.match(await page.locator('#short-count').innerText(), new RegExp(`有 ${h.items} 个事项`));
      // every item of the sample has a practice file: no list of those without, and no
      // stray "null" where it would be (replaceChildren writes null as text)
      assert.equal(await page.locator('#without-practice').count(), 0);
      assert.doesNotMatch(await page.locator('#main').innerText(), /null|undefined/);
      assert.deepEqual(await axeSerious(page), []);
      await shot(page, 'practice-05-readiness');
      kp.assertClean('readiness page');
    } finally {
      await kp.close();
    }
  });

  it('a hall of 30 staff: the grid scrolls in its box, the items\' names stay in view', async () => {
    // 29 more staff accounts (wang's password hash: none of them logs in here)
    const db = path.join(h.tmp, 'e2e.db');
    let sql = '';
    for (let i = 1; i < 30; i++)
      sql += `INSERT INTO users (name, role, pwhash, disabled, created_at, updated_at, posts, display) SELECT 'st${i}', role, pwhash, 0, created_at, updated_at, posts, '工作人员${i}' FROM users WHERE name = 'wang';`;
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: sql });
    const kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false, reuse: true });
    const page = kp.page;
    try {
      await page.goto(`${h.url}/admin/readiness`);
      await logIn(page, 'boss', 'admin-pass-42');
      await page.locator('#readiness thead th[title="st29"]').waitFor();
      // the page itself does not scroll sideways: the header, the note and
      // the count stay where they are
      assert.equal(await horizontalOverflow(page), null);
      // scrolled to the last staffer, the row's item name is still on screen
      const row = page.locator('#readiness tr[data-id="labour-handbook"] th[scope=row]');
      await page.locator('#readiness thead th[title="st29"]').scrollIntoViewIfNeeded();
      const box = await row.boundingBox();
      assert.ok(box && box.x >= 0 && box.x < 400, `the item name in view: ${JSON.stringify(box)}`);
      assert.deepEqual(await axeSerious(page), []);
      await shot(page, 'practice-06-readiness-wide', { fullPage: false });
      kp.assertClean('readiness page, 30 staff');
    } finally {
      await kp.close();
    }
  });
});
