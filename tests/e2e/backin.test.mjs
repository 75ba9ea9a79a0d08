// 我有凭条 / 补正告知单 (#/code, web/backin.js): the way back into a handed-in
// case from the kiosk's home. The slip's code typed by a scanner with Enter
// reopens the case at once (the bare id, or the kiosk address the QR holds
// with --public-url); a ticket asks also for the last four characters of the
// ID number or mobile, and a wrong last four is refused on the screen; a
// returned case's step screen marks what the window flagged and repeats the
// reason. axe-core and the kiosk's size rules on the new screens.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, shot, axeSerious, atRoute, smallTargets, smallText } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { apiPost as post, labourCase } from './labour-case.mjs';

const k = useKiosk();
const REASON = '家庭住址与户口簿不一致，请按户口簿填写。';
const residentCase = () => labourCase(k.url);

describe('我有凭条: back into a case', () => {
  let kp, page, waiting, returned, itemReturned;
  const axeProblems = [];

  before(async () => {
    waiting = await residentCase();
    returned = await residentCase();
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    const s = await login(k.url, 'wang', 'wang-password-1');
    await post(k.url, `/api/v1/staff/cases/${returned.id}/return`, { reason: REASON, fields: ['address'] },
      authHeaders(s));
    itemReturned = await residentCase();
    await post(k.url, `/api/v1/staff/cases/${itemReturned.id}/return`,
      { reason: '户口簿复印件不清楚，请重新复印。', checklist: ['hukou_book'] }, authHeaders(s));
    kp = await kioskPage(k);
    page = kp.page;
  });
  after(async () => {
    if (kp) await kp.context.close();
  });

  async function openCodeScreen() {
    await atRoute(page, /^#\/$/, () => page.goto(k.url + '/?kiosk=1#/'));
    await atRoute(page, /^#\/code$/, () => page.getByRole('button', { name: /我有凭条/ }).click());
  }

  it('the home button opens a screen whose one input has the focus', async () => {
    await openCodeScreen();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'code-q');
    for (const v of await axeSerious(page)) axeProblems.push(`code screen: ${v}`);
    assert.deepEqual(await smallTargets(page), [], 'kiosk target sizes');
    assert.deepEqual(await smallText(page), [], 'kiosk text sizes');
    await shot(page, 'backin-code');
  });

  it("a scanner's code and Enter reopen the case at once", async () => {
    await openCodeScreen();
    await atRoute(page, new RegExp(`^#/case/${waiting.id}/`), async () => {
      await page.keyboard.type(waiting.id.toUpperCase());
      await page.keyboard.press('Enter');
    });
    assert.ok((await page.locator('#main').innerText()).includes(waiting.ticket));
  });

  it('a ticket asks for the last four; a wrong one is refused, the right one reopens', async () => {
    await openCodeScreen();
    await page.keyboard.type(waiting.ticket);
    await page.keyboard.press('Enter');
    await page.locator('#code-last4').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'code-last4');
    for (const v of await axeSerious(page)) axeProblems.push(`code screen, last four: ${v}`);
    assert.deepEqual(await smallText(page), [], 'kiosk text sizes');
    await shot(page, 'backin-last4');

    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    const alert = page.locator('#main [role=alert]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /没有找到对应的办件/);
    assert.match(await page.evaluate(() => location.hash), /^#\/code$/, 'nothing opened');
    for (const v of await axeSerious(page)) axeProblems.push(`code screen, refused: ${v}`);
    await shot(page, 'backin-refused');

    await page.fill('#code-last4', '102x');
    await atRoute(page, new RegExp(`^#/case/${waiting.id}/`), () => page.keyboard.press('Enter'));
  });

  // a Chinese input method's full-width ticket and digits (a resident's
  // review: 没有认出这个号码, and 请输入四位 for four digits typed)
  it('a ticket and last four typed full-width reopen the case too', async () => {
    const wide = (s) => s.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xFEE0));
    await openCodeScreen();
    await page.fill('#code-q', wide(waiting.ticket));
    await page.keyboard.press('Enter');
    await page.locator('#code-last4').waitFor({ state: 'visible' });
    await page.fill('#code-last4', wide('102X'));
    await atRoute(page, new RegExp(`^#/case/${waiting.id}/`), () => page.keyboard.press('Enter'));
  });

  // a hall review: a resident who missed the call was told 留意叫号 for a
  // call that had been made; the page now says where to go
  it('a ticket called already says so and where to go, not to wait for the call', async () => {
    const s = await login(k.url, 'wang', 'wang-password-1');
    const r = await post(k.url, `/api/v1/staff/cases/${waiting.id}/call`, { window: '3' }, authHeaders(s));
    assert.equal(r.ticket, waiting.ticket);
    await openCodeScreen();
    await atRoute(page, new RegExp(`^#/case/${waiting.id}/`), async () => {
      await page.keyboard.type(waiting.id);
      await page.keyboard.press('Enter');
    });
    const note = page.locator('#called-note');
    await note.waitFor();
    assert.match(await note.innerText(), /您的号已经叫过了，请马上到3 号窗口办理/);
    assert.doesNotMatch(await page.locator('#main').innerText(), /留意叫号/);
    for (const v of await axeSerious(page)) axeProblems.push(`called ticket: ${v}`);
    assert.deepEqual(await smallText(page), [], 'kiosk text sizes');
    await shot(page, 'backin-called');
  });

  // the home page's categories came back after a case opened right after
  // it, and drew the home page over the case (a test's flake under ASan)
  it('a screen whose data comes back late does not draw over the one opened after it', async () => {
    let held = 0;
    await page.route('**/api/v1/categories', async (r) => {
      held++;
      await new Promise((res) => setTimeout(res, 1500));
      await r.continue().catch(() => {});
    });
    try {
      await page.goto(k.url + '/?kiosk=1#/');
      await atRoute(page, new RegExp(`^#/case/${returned.id}/`),
        () => page.evaluate((id) => { location.hash = '#/case/' + id; }, returned.id));
      const heading = await page.locator('#main h1').innerText();
      assert.equal(heading, '需要补正后重新提交', 'the returned case is the one shown');
      await new Promise((res) => setTimeout(res, 2500));
      assert.ok(held >= 1, 'the home page asked for its categories');
      assert.equal(await page.locator('#main h1').innerText(), heading, 'the case is still shown');
      assert.equal(await page.locator('.home-tiles').count(), 0, 'no home tiles drawn over it');
    } finally {
      await page.unroute('**/api/v1/categories');
    }
  });

  it("the QR's address reopens a returned case; its step marks the flagged field and repeats the reason", async () => {
    await openCodeScreen();
    await atRoute(page, new RegExp(`^#/case/${returned.id}/returned$`), async () => {
      await page.keyboard.type(`https://hall.example/#/case/${returned.id}`);
      await page.keyboard.press('Enter');
    });
    await atRoute(page, /\/step\/2$/, () => page.getByRole('button', { name: '开始修改' }).click());
    const top = await page.locator('#step-returned').innerText();
    assert.ok(top.includes(REASON), top);
    const marked = page.locator('.flagged');
    assert.equal(await marked.count(), 1, 'only the flagged field is marked');
    const text = await marked.innerText();
    assert.match(text, /窗口标出：需要补正/, 'a mark in words, not colour alone');
    assert.match(text, /现居住地址/, 'on the flagged field');
    for (const v of await axeSerious(page)) axeProblems.push(`returned step: ${v}`);
    assert.deepEqual(await smallText(page), [], 'kiosk text sizes');
    await shot(page, 'backin-returned-step');
  });

  it('the ID number it has stays, masked, with a word on why; only the flagged field needs typing', async () => {
    // (on the step the previous test opened)
    const idBox = page.locator('#f-id_number');
    assert.equal(await idBox.inputValue(), '*'.repeat(14) + '102X', 'kept as the case shows it');
    assert.match(await page.locator('#f-id_number-hint').innerText(), /只显示最后四位/);
    await page.fill('#f-address', '幸福路12号3单元202室');
    await atRoute(page, /\/step\/3$/, () => page.getByRole('button', { name: '下一步' }).click());
    const c = await (await fetch(`${k.url}/api/v1/cases/${returned.id}`)).json();
    assert.equal(c.values.address, '幸福路12号3单元202室');
    assert.equal(c.values.id_number, '*'.repeat(14) + '102X', 'the same number as before');
  });

  it('a checklist item the window flagged starts unticked; the others keep their tick', async () => {
    await page.goto(`${k.url}/?kiosk=1#/case/${itemReturned.id}`);
    // only the hash changes: goto returns before the case is drawn, and the
    // step's wait below would take the returned screen drawn after its mark
    await page.getByRole('button', { name: '开始修改' }).waitFor();
    await atRoute(page, /\/step\/1$/, () => page.getByRole('button', { name: '开始修改' }).click());
    const flagged = page.locator('.check-row.flagged input[type=checkbox]');
    assert.equal(await flagged.count(), 1);
    assert.equal(await flagged.getAttribute('id'), 'ck-hukou_book');
    assert.equal(await flagged.isChecked(), false, 'to be checked again, not passed with its old tick');
    assert.equal(await page.locator('#ck-id_card').isChecked(), true, 'the item not flagged keeps its tick');
    for (const v of await axeSerious(page)) axeProblems.push(`flagged item: ${v}`);
  });

  // From outside the hall the day's tries can run out (the daemon's side:
  // tests/api/cases-lookup.test.mjs). That day runs from its first lookup,
  // so the page gave 请 15 分钟后再试 for a wait of up to a day: it now says
  // the daemon's words, which name the hall's time, and a quarter-hour's
  // lock keeps its own. The answers are the daemon's, stood in by a route.
  it("a 429 that lasts past a quarter-hour says when to come back, not 15 minutes", async () => {
    const DAY = '通过网络查找凭条的次数已经用完，请在明天 09:31以后再试；也可以用手机扫描凭条上的二维码，或到综合窗口询问';
    let wait = 0;
    await page.route('**/api/v1/cases/lookup', (r) => r.fulfill({ status: 429,
      headers: { 'Content-Type': 'application/json', 'Retry-After': String(wait) },
      body: JSON.stringify({ error: { code: 'too_many_attempts', message: wait > 900 ? DAY : '尝试次数过多' } }) }));
    try {
      const alert = page.locator('#main [role=alert]');
      for (const [w, want] of [[50_000, /请在明天 09:31以后再试/], [300, /请 15 分钟后再试/]]) {
        wait = w;
        await openCodeScreen();
        await page.keyboard.type(waiting.ticket);
        await page.keyboard.press('Enter');
        await page.locator('#code-last4').waitFor({ state: 'visible' });
        await page.keyboard.type('1234');
        await page.keyboard.press('Enter');
        await alert.waitFor();
        const text = await alert.innerText();
        assert.match(text, want, `Retry-After ${w}`);
        assert.doesNotMatch(text, w > 900 ? /15 分钟/ : /明天/);
      }
    } finally {
      await page.unroute('**/api/v1/cases/lookup');
    }
  });

  it('axe: no serious or critical problem on the new screens; the page stayed clean', () => {
    assert.deepEqual(axeProblems, []);
    kp.assertClean('back-in screens');
  });
});
