// Rating after the service (/rate, web/rate.js): a staffer at window 3
// completes a resident's case on /staff; the evaluator facing the resident
// at that window (/rate?window=3, 1280×800 and 800×480, another browser,
// never reloaded) shows the case's ticket and item and the five levels in
// the statistics' words; the resident taps 非常不满意, is asked 哪里没做好?,
// ticks 等候时间长 and sends; 谢谢您的评价, then idle again. The staff view
// and the statistics show the rating with its reason. The resident's own
// case page offers the rating only once the case is completed. axe-core
// finds nothing serious on any of these screens; targets ≥ 60 px and text
// ≥ 24 px on the evaluator. The screenshot docs/img/rate.png comes from
// here ($SHOTS/rate-offer.png). The last two describes (the levels' fit, a
// failed send) were files of their own; each keeps its own daemon, as
// they had, so their windows' keys and cases start from nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, shot, axeSerious, smallTargets, smallText, atRoute, poll, staffLogin } from './helpers.mjs';
import { addUser, login, authHeaders, adminPassword } from '../api/helpers.mjs';
import { labourCase, ID, NAME } from './labour-case.mjs';

const k = useKiosk();
const DESKTOP = { width: 1600, height: 1000 };
const EVALUATOR = { width: 1280, height: 800 };
const SMALL = { width: 800, height: 480 };
const WORDS = ['非常满意', '满意', '基本满意', '不满意', '非常不满意'];

describe('the window\'s evaluator', () => {
  let first, second, staff, rate, small;
  const problems = [];

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    first = await labourCase(k.url);
    second = await labourCase(k.url);
    staff = await kioskPage(k, { viewport: DESKTOP, hasTouch: false });
    rate = await kioskPage(k, { viewport: EVALUATOR, hasTouch: true });
    small = await kioskPage(k, { viewport: SMALL, hasTouch: true });
  });
  after(async () => {
    for (const x of [staff, rate, small]) if (x) await x.context.close();
  });

  it('idle before any service: nothing but an invitation and the window', async () => {
    const p = rate.page;
    await p.goto(k.url + await k.rateAt('3'));
    await p.locator('#idle').waitFor();
    assert.equal(await p.locator('#window-name').innerText(), '3 号窗口');
    assert.equal(await p.locator('#offer').isHidden(), true);
    for (const v of await axeSerious(p)) problems.push(`idle: ${v}`);
    assert.deepEqual(await smallText(p, 24), [], 'evaluator text sizes');
    await shot(p, 'rate-idle', { fullPage: false });
    await small.page.goto(k.url + await k.rateAt('3'));
    await small.page.locator('#idle').waitFor();
  });

  it('the staffer at window 3 accepts and completes the case', async () => {
    const p = staff.page;
    await staffLogin(p, k.url, 'wang', 'wang-password-1');
    await p.locator('#window-no').waitFor();
    await p.fill('#window-no', '3');
    await p.locator('#window-no').press('Tab');
    await p.locator('#window-msg', { hasText: '已保存' }).waitFor();
    await p.locator('#case-key').fill(first.ticket);
    await p.keyboard.press('Enter');
    const pane = p.locator('#case-pane');
    await pane.getByRole('button', { name: '受理', exact: true }).click();
    await pane.locator('.case-facts', { hasText: '已受理' }).waitFor();
    // accepted is not the end of the service: nothing offered yet
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await rate.page.locator('#offer').isHidden(), true);
    await pane.getByRole('button', { name: '办结', exact: true }).click();
    await p.fill('#outcome', '已办结，当场发放电子就业创业证');
    const [resp] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/complete')),
      p.click('.inner-form button[type=submit]'),
    ]);
    assert.equal(resp.status(), 200);
    assert.equal(JSON.parse(resp.request().postData()).window, '3');
    await p.getByText('请居民在3 号窗口的评价器上评价').waitFor();
  });

  it('the evaluator shows the ticket, the item and five levels within a second, without reloading', async () => {
    const p = rate.page;
    await p.locator('#offer').waitFor({ timeout: 3000 });
    assert.equal(await p.locator('#offer-ticket').innerText(), first.ticket);
    assert.match(await p.locator('#offer-title').innerText(), /就业创业证/);
    const levels = await p.locator('#levels .r-level').allInnerTexts();
    assert.deepEqual(levels.map((s) => s.replace(/[★\s]/g, '')), WORDS);
    const text = await p.locator('body').innerText();
    for (const secret of [first.id, ID, ID.slice(-4), NAME, '13800138000', 'wang'])
      assert.ok(!text.includes(secret), `the evaluator shows ${secret}`);
    for (const v of await axeSerious(p)) problems.push(`offer: ${v}`);
    assert.deepEqual(await smallTargets(p, 60), [], 'evaluator target sizes');
    assert.deepEqual(await smallText(p, 24), [], 'evaluator text sizes');
    await shot(p, 'rate-offer', { fullPage: false });
    // the small screen: the same, nothing cut off or too small
    const s = small.page;
    await s.locator('#offer').waitFor({ timeout: 3000 });
    assert.deepEqual(await smallTargets(s, 60), [], '800×480 target sizes');
    assert.deepEqual(await smallText(s, 24), [], '800×480 text sizes');
    const cut = await s.evaluate(() => [...document.querySelectorAll('#levels .r-level')]
      .filter((b) => b.getBoundingClientRect().bottom > innerHeight).length);
    assert.equal(cut, 0, 'the levels fit 800×480');
    await shot(s, 'rate-offer-800x480', { fullPage: false });
  });

  it('非常不满意 asks what went wrong; the resident ticks 等候时间长 and sends', async () => {
    const p = rate.page;
    await p.getByRole('button', { name: /非常不满意/ }).tap();
    await p.locator('#why').waitFor();
    assert.equal(await p.locator('#why-h').innerText(), '哪里没做好？（可多选）');
    const reasons = await p.locator('#reasons .r-reason').allInnerTexts();
    assert.deepEqual(reasons, ['等候时间长', '态度不好', '没有一次说清', '材料要求多', '其他']);
    await p.getByRole('button', { name: '等候时间长' }).tap();
    assert.equal(await p.getByRole('button', { name: '等候时间长' }).getAttribute('aria-pressed'), 'true');
    await p.fill('#why-comment', '排了一个小时');
    for (const v of await axeSerious(p)) problems.push(`why: ${v}`);
    assert.deepEqual(await smallTargets(p, 60), [], 'evaluator target sizes (why)');
    assert.deepEqual(await smallText(p, 24), [], 'evaluator text sizes (why)');
    await shot(p, 'rate-why', { fullPage: false });
    const [resp] = await Promise.all([
      p.waitForResponse((r) => r.url().includes('/api/v1/rate/') && r.request().method() === 'POST'),
      p.getByRole('button', { name: '提交评价' }).tap(),
    ]);
    assert.equal(resp.status(), 204);
    assert.deepEqual(JSON.parse(resp.request().postData()), { score: 1, reasons: ['wait'], comment: '排了一个小时' });
    await p.locator('#done-text', { hasText: '谢谢您的评价' }).waitFor();
    for (const v of await axeSerious(p)) problems.push(`thanks: ${v}`);
    await shot(p, 'rate-thanks', { fullPage: false });
    // back to idle after a few seconds; the other screen of the window too
    await p.locator('#idle').waitFor({ timeout: 8000 });
    await small.page.locator('#idle').waitFor({ timeout: 3000 });
  });

  it('the staff view and the statistics show the rating and its reason', async () => {
    const p = staff.page;
    // each look reads the case its own Enter drew: read at once, it got
    // the case on show, and with answers slower than the poll each Enter
    // dropped the one before it (the page keeps the newest), so none drew
    await poll(async () => {
      await p.evaluate(() => { for (const e of document.querySelectorAll('#case-pane .case-facts')) e.dataset.e2eOld = '1'; });
      await p.locator('#case-key').fill(first.ticket);
      await p.keyboard.press('Enter');
      assert.match(await p.locator('#case-pane .case-facts:not([data-e2e-old])').innerText(),
        /1 分 非常不满意，等候时间长：排了一个小时/);
    }, { timeout: 5000, interval: 500 });
    const admin = await login(k.url, 'admin', adminPassword(k.daemon));
    const r = await fetch(`${k.url}/api/v1/admin/stats`, { headers: authHeaders(admin) });
    const stats = await r.json();
    const lh = stats.procedures.find((x) => x.id === 'labour-handbook');
    assert.equal(lh.ratings.count, 1);
    assert.equal(lh.ratings.scores[0], 1, 'one 非常不满意');
  });

  it('the resident\'s own case page offers the rating only after the service', async () => {
    const rp = await kioskPage(k, { reuse: true });
    try {
      const s = await login(k.url, 'wang', 'wang-password-1');
      const move = (what, body = {}) => fetch(`${k.url}/api/v1/staff/cases/${second.id}/${what}`,
        { method: 'POST', headers: authHeaders(s), body: JSON.stringify(body) });
      await rp.page.goto(`${k.url}/#/case/${second.id}`);
      await atRoute(rp.page, /\/done$/);
      assert.equal(await rp.page.locator('#main .rating').count(), 0, 'waiting: no rating');
      assert.equal((await move('accept')).status, 200);
      assert.equal((await move('complete', { outcome: '已办结' })).status, 200);
      await rp.page.goto(`${k.url}/#/`);
      await atRoute(rp.page, /\/closed$/, () => rp.page.goto(`${k.url}/#/case/${second.id}`));
      await rp.page.locator('#main .rating').waitFor();
      await rp.page.locator('label[for=rate-2]').tap();
      await rp.page.locator('#main .rating-why').waitFor();
      await rp.page.locator('label[for=why-attitude]').tap();
      for (const v of await axeSerious(rp.page)) problems.push(`case page rating: ${v}`);
      assert.deepEqual(await smallTargets(rp.page), [], 'kiosk target sizes');
      await rp.page.getByRole('button', { name: '提交评价' }).tap();
      await rp.page.locator('#main .rating [role=status]', { hasText: '谢谢您的评价' }).waitFor();
      const v = await (await fetch(`${k.url}/api/v1/staff/cases/${second.id}`, { headers: { Cookie: s.cookie } })).json();
      assert.equal(v.rating.score, 2);
      assert.deepEqual(v.rating.reasons, ['attitude']);
      rp.assertClean('resident page');
    } finally {
      await rp.close();
    }
  });

  // A kiosk whose browser holds a staff session (a staffer logged in on it
  // and walked away, or a window PC running the kiosk page): the resident's
  // rating there is the resident's, counted in 满意率, not marked as the
  // staffer's (the daemon marks a rating by the session cookie it carries).
  it('a rating on the kiosk counts as the resident\'s though a staff session is open in its browser', async () => {
    const s = await login(k.url, 'wang', 'wang-password-1');
    const c = await labourCase(k.url);
    for (const [what, body] of [['accept', {}], ['complete', { outcome: '已办结' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${what}`,
        { method: 'POST', headers: authHeaders(s), body: JSON.stringify(body) });
      assert.equal(r.status, 200, what);
    }
    const rp = await kioskPage(k, { reuse: true });
    try {
      const [name, value] = s.cookie.split(/=(.*)/s);
      await rp.context.addCookies([{ name, value, url: k.url }]);
      await rp.page.goto(`${k.url}/?kiosk=1#/case/${c.id}`);
      await atRoute(rp.page, /\/closed$/);
      await rp.page.locator('label[for=rate-4]').tap();
      await rp.page.getByRole('button', { name: '提交评价' }).tap();
      await rp.page.locator('#main .rating [role=status]', { hasText: '谢谢您的评价' }).waitFor();
      const v = await (await fetch(`${k.url}/api/v1/staff/cases/${c.id}`, { headers: { Cookie: s.cookie } })).json();
      assert.deepEqual([v.rating.score, v.rating.staff, v.rating.handed_in], [4, null, true]);
      // the session is still there for the staffer: the kiosk only left it out of the rating
      assert.equal((await rp.context.cookies(k.url)).some((x) => x.name === name), true);
      rp.assertClean('kiosk rating with a staff session');
    } finally {
      await rp.close();
    }
  });

  // The window completes the next resident's case while this one is still
  // choosing why (a review): the offer is gone, nothing is saved, and the
  // tablet must not thank them; it says how to rate still (the slip).
  it('a rating whose offer the next completion replaced is not thanked: it says to scan the slip', async () => {
    const s = await login(k.url, 'wang', 'wang-password-1');
    const move = (c, what, body = {}) => fetch(`${k.url}/api/v1/staff/cases/${c.id}/${what}`,
      { method: 'POST', headers: authHeaders(s), body: JSON.stringify(body) });
    const [a, b] = [await labourCase(k.url), await labourCase(k.url)];
    for (const c of [a, b]) assert.equal((await move(c, 'accept')).status, 200);
    assert.equal((await move(a, 'complete', { outcome: '已办结', window: '3' })).status, 200);
    const p = rate.page;
    await p.locator('#offer-ticket', { hasText: a.ticket }).waitFor({ timeout: 3000 });
    await p.getByRole('button', { name: /非常不满意/ }).tap();
    await p.locator('#why').waitFor();
    assert.equal((await move(b, 'complete', { outcome: '已办结', window: '3' })).status, 200);
    const [resp] = await Promise.all([
      p.waitForResponse((r) => r.url().includes('/api/v1/rate/') && r.request().method() === 'POST'),
      p.getByRole('button', { name: '提交评价' }).tap(),
    ]);
    assert.equal(resp.status(), 404);
    // the page reads the answer's words after the response has come: the
    // box holds the page's own 谢谢您的评价 until then (a flake under ASan
    // read it too early); a page that thanked would not say 二维码
    await p.locator('#done-text', { hasText: '二维码' }).waitFor();
    const said = await p.locator('#done-text').innerText();
    assert.match(said, /二维码/);
    assert.doesNotMatch(said, /谢谢/);
    const v = await (await fetch(`${k.url}/api/v1/staff/cases/${a.id}`, { headers: { Cookie: s.cookie } })).json();
    assert.equal(v.rating, null, 'nothing was saved');
  });

  // A tablet that lost the daemon says so, and a tablet set up without a
  // window number says to tell the staff (not what to type in the address).
  it('the tablet says when it lost the connection, and when it is not set up', async () => {
    const x = await kioskPage(k, { viewport: { width: 1280, height: 800 }, hasTouch: true, reuse: true });
    try {
      await x.page.route(/\/api\/v1\/rate\?/, (r) => r.abort());
      await x.page.goto(k.url + await k.rateAt('5'));
      await x.page.locator('#error', { hasText: '连接中断，正在重新连接' }).waitFor();
      await x.page.unroute(/\/api\/v1\/rate\?/);
      await x.page.goto(k.url + '/rate');
      await x.page.locator('#error', { hasText: '暂时不能评价，请告诉工作人员' }).waitFor();
    } finally { await x.close(); }
  });

  it('axe finds nothing serious or critical', () => {
    assert.deepEqual(problems, [], problems.join('\n'));
  });
});

// ── was rate-fit.test.mjs
// The evaluator's five levels at the sizes the hall uses (1280×800 down to
// 800×480): each level's stars stand inside its own button. At 800×480 the
// five stars of 非常满意 (36 px each, 180 px) ran out of a 141 px button
// over the border and into 满意's, so a resident could not tell which
// button had five stars and which four.
describe('the evaluator\'s levels fit their buttons', () => {
  const k = useKiosk();

  let ticket;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    const s = await login(k.url, 'wang', 'wang-password-1');
    const c = await labourCase(k.url);
    ticket = c.ticket;
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已办结', window: '3' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${move}`, {
        method: 'POST', headers: authHeaders(s), body: JSON.stringify(body),
      });
      assert.equal(r.status, 200, `${move}: ${await r.text()}`);
    }
  });

  for (const viewport of [{ width: 1280, height: 800 }, { width: 1024, height: 600 }, { width: 800, height: 480 }]) {
    it(`at ${viewport.width}×${viewport.height}`, async () => {
      const x = await kioskPage(k, { viewport, reuse: true });
      try {
        await x.page.goto(k.url + await k.rateAt('3'));
        await poll(async () => assert.equal(await x.page.locator('#offer-ticket').innerText(), ticket));
        const m = await x.page.evaluate(() => [...document.querySelectorAll('.r-level')].map((b) => {
          const box = b.getBoundingClientRect();
          const r = document.createRange();
          r.selectNodeContents(b.querySelector('.r-face'));
          const s = r.getBoundingClientRect();
          return { level: b.dataset.score, width: Math.round(box.width), inside: s.left >= box.left + 3 && s.right <= box.right - 3 };
        }));
        await shot(x.page, `rate-fit-${viewport.width}`, { fullPage: false });
        for (const l of m) assert.ok(l.inside, `level ${l.level}: its stars run out of its ${l.width} px button`);
        const widths = m.map((l) => l.width);
        assert.ok(Math.max(...widths) - Math.min(...widths) <= 1, `levels of unequal width: ${widths}`);
        x.assertClean('evaluator');
      } finally {
        await x.close();
      }
    });
  }
});

// ── was rate-retry.test.mjs
// The evaluator (/rate) when a rating does not get through at first: the
// resident on 哪里没做好? sends, the network drops the request (网络不通，
// 没有提交成功，请再点一次), taps 提交评价 again and it is saved. The thanks
// then stand alone: the failure's line, no longer true, is gone (it stood
// under 谢谢您的评价 for the thanks' five seconds, one telling the resident
// the rating was saved and the other that it was not).
describe('the evaluator after a failed send', () => {
  const k = useKiosk();

  let x;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    x = await kioskPage(k, { viewport: { width: 1280, height: 800 }, hasTouch: true });
  });
  after(async () => { if (x) await x.context.close(); });

  it('thanks without the failure\'s message once the second try is saved', async () => {
    const p = x.page;
    await p.goto(k.url + await k.rateAt('3'));
    await p.locator('#idle').waitFor();
    const s = await login(k.url, 'wang', 'wang-password-1');
    const c = await labourCase(k.url);
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已办结', window: '3' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${move}`, {
        method: 'POST', headers: authHeaders(s), body: JSON.stringify(body),
      });
      assert.equal(r.status, 200, `${move}: ${await r.text()}`);
    }
    await poll(async () => assert.equal(await p.locator('#offer-ticket').innerText(), c.ticket));
    await p.locator('[data-score="2"]').click();
    await p.locator('.r-reason[data-code="wait"]').click();
    // the first send is lost on the way (as a dropped network does)
    let failed = 0;
    await p.route('**/api/v1/rate/*', (route) => {
      if (route.request().method() === 'POST' && failed++ === 0) return route.abort('internetdisconnected');
      return route.continue();
    });
    await p.click('#why-send');
    await poll(async () => assert.match(await p.locator('#error').innerText(), /没有提交成功/));
    const [resp] = await Promise.all([
      p.waitForResponse((r) => r.url().includes('/api/v1/rate/') && r.request().method() === 'POST'),
      p.click('#why-send'),
    ]);
    assert.equal(resp.status(), 204);
    await p.locator('#done-text', { hasText: '谢谢您的评价' }).waitFor();
    assert.equal(await p.locator('#error').innerText(), '', 'the failure still shown under the thanks');
  });
});
