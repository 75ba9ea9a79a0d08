// The idle reset, driven by Playwright's fake clock (page.clock, installed
// before the first navigation, so the kiosk's setTimeout/setInterval/Date
// are the fake ones): no timer on the untouched home screen; after 90 s
// without a touch a countdown asks 还在使用吗? and gives at least 20 s;
// 继续使用 keeps everything; when the countdown runs out the screen is
// cleared (typed values, the case, English, 大字) and home returns.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useKiosk, kioskPage, atRoute, h1Text, shot, poll, getMode, setMode, axeSerious, smallTargets, smallText, PORTRAIT,
} from './helpers.mjs';

const k = useKiosk();

describe('idle reset', () => {
  let kp;
  let page;
  let caseId = '';
  const tap = (loc) => loc.tap();
  const label = (forId) => page.locator(`label[for="${forId}"]`);
  const submitStep = () => page.locator('#main form.step-form button[type=submit]');
  const dialog = () => page.locator('.overlay [role=alertdialog]');
  const countdown = async () => Number((await dialog().locator('.countdown-num').innerText()).trim());

  // the dialog is a kiosk screen too: axe, targets, text size (28 px with 大字)
  async function checkDialog(minText) {
    const bad = [
      ...(await axeSerious(page)).map((x) => `axe: ${x}`),
      ...(await smallTargets(page)).map((x) => `target under 60×60: ${x}`),
      ...(await smallText(page, minText)).map((x) => `text under ${minText}px: ${x}`),
    ];
    assert.deepEqual(bad, [], `idle dialog:\n${bad.join('\n')}`);
  }

  // A scroll is a resident's activity: the idle timer starts again. The
  // browser sends the scroll event with its next frame, in real time, so a
  // scroll the page itself made just before a fast-forward (the keypad
  // showing under the tapped mobile box, the screen growing with 大字) could
  // arrive while the fake clock was jumping and start the timer again past
  // the jump: the countdown then never came (a flake, 1 run in 8 here).
  // Before a jump that expects the countdown, wait until no scroll event
  // has come for a few frames.
  async function scrollsSettled() {
    let seen = -1;
    for (let i = 0; i < 40; i++) {
      const n = await page.evaluate(() => window.e2eScrolls);
      if (n === seen) return;
      seen = n;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the page kept scrolling');
  }

  before(async () => {
    kp = await kioskPage(k, { viewport: PORTRAIT, hasTouch: true, clock: true });
    page = kp.page;
    await page.addInitScript(() => {
      window.e2eScrolls = 0;
      addEventListener('scroll', () => { window.e2eScrolls++; }, { capture: true, passive: true });
    });
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('the untouched home screen has no idle timer', async () => {
    await atRoute(page, /^#\/$/, () => page.goto(k.url + '/?kiosk=1'));
    await page.clock.fastForward('05:00');
    assert.equal(await page.locator('.overlay').count(), 0);
  });

  it('a resident searches 劳动, starts the labour handbook and types on the form', async () => {
    await tap(page.locator('#search-q'));
    await page.keyboard.type('劳动');
    // the search waits a little for more typing (a fake-clock timer)
    await page.clock.fastForward(1000);
    const hit = page.locator('#main .search-results a.proc-link', { hasText: '就业创业证申领' });
    await hit.waitFor();
    await atRoute(page, /^#\/p\/labour-handbook$/, () => tap(hit));
    await atRoute(page, /^#\/case\/[0-9a-f]{32}\/conditions$/,
      () => tap(page.locator('#main .actions-overview button', { hasText: '开始办理' })));
    caseId = /^#\/case\/([0-9a-f]{32})\//.exec(await page.evaluate(() => location.hash))[1];
    for (let i = 0; i < 3; i++) await tap(label(`cond-${i}-yes`));
    await atRoute(page, /\/step\/0$/, () => tap(page.locator('#main button', { hasText: '确认，下一步' })));
    await tap(label('f-hukou-1'));
    await tap(label('f-status-1'));
    await atRoute(page, /\/step\/1$/, () => tap(submitStep()));
    await tap(label('ck-id_card'));
    await tap(label('ck-residence_permit'));
    await atRoute(page, /\/step\/2$/, () => tap(submitStep()));
    await tap(page.locator('#f-name'));
    await page.keyboard.type('李四');
    await tap(page.locator('#f-address'));
    await page.keyboard.type('幸福路12号');
  });

  it('after 90 s idle a countdown asks 还在使用吗? with at least 20 s', async () => {
    await scrollsSettled();
    // The fake clock runs on with real time too: the real seconds since the
    // last keystroke came on top of the 89 s, and a run with a slowed page
    // found the dialog up already. The clock stands still from here, and a
    // key (Shift: nothing typed) starts the idle time at a known instant.
    // (Left paused after a failure, the next tests' taps waited for ever.)
    await page.clock.pauseAt(await page.evaluate(() => Date.now()) + 5000);
    try {
      await page.keyboard.press('Shift');
      await page.clock.fastForward('01:29');
      assert.equal(await page.locator('.overlay').count(), 0, 'no dialog before 90 s');
      await page.clock.fastForward('00:02');
      await dialog().waitFor({ state: 'visible' });
    } finally {
      await page.clock.resume();
    }
    assert.equal((await dialog().locator('h2').innerText()).trim(), '还在使用吗？');
    const n0 = await countdown();
    assert.ok(n0 >= 20, `countdown starts at ${n0} s`);
    const cont = dialog().locator('button', { hasText: '继续使用' });
    assert.equal(await cont.isVisible(), true);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), '继续使用',
      '继续使用 has focus');
    // the rest of the screen cannot be used behind the dialog
    assert.equal(await page.evaluate(() => !!document.getElementById('main').closest('[inert]')), true);
    const box = await cont.boundingBox();
    assert.ok(box.width >= 60 && box.height >= 60, `继续使用 is ${box.width}×${box.height}`);
    await shot(page, 'idle-01-countdown', { fullPage: false });
    await checkDialog(24);

    // a screen reader hears how long there is, then the time left now and then
    const said = dialog().locator('[role=status]');
    assert.match(await dialog().locator('#idle-desc').innerText(), new RegExp(`还剩 ${n0} 秒`));
    assert.equal((await said.innerText()).trim(), '', 'nothing said before a mark');

    // 19 s later the resident still has time
    await page.clock.fastForward('00:19');
    await poll(async () => assert.ok((await countdown()) <= n0 - 19, 'the countdown counts down'));
    // a mark was said (20 or 10; 5 when a loaded machine's real seconds ran on meanwhile)
    await poll(async () => assert.match(await said.innerText(), /还剩 (20|10|5) 秒/));
    const left = await countdown();
    assert.ok(left >= 1, `countdown after 19 s shows ${left}`);
    assert.equal(await dialog().isVisible(), true, 'still asking after 19 s');
    await shot(page, 'idle-02-countdown-later', { fullPage: false });
  });

  it('a tap anywhere on the backdrop continues as 继续使用 does', async () => {
    await tap(dialog().locator('button', { hasText: '继续使用' }));
    await poll(async () => assert.equal(await page.locator('.overlay').count(), 0));
    await scrollsSettled();
    await page.clock.fastForward('01:31');
    await dialog().waitFor({ state: 'visible' });
    // the corner of the backdrop, far from the button (and the title)
    await page.touchscreen.tap(10, 10);
    await poll(async () => assert.equal(await page.locator('.overlay').count(), 0));
    assert.equal(await page.evaluate(() => location.hash), `#/case/${caseId}/step/2`);
    assert.equal(await page.inputValue('#f-name'), '李四');
    await scrollsSettled();
    await page.clock.fastForward('01:31');
    await dialog().waitFor({ state: 'visible' });
  });

  it('继续使用 keeps the screen as it was', async () => {
    await tap(dialog().locator('button', { hasText: '继续使用' }));
    await poll(async () => assert.equal(await page.locator('.overlay').count(), 0));
    assert.equal(await page.evaluate(() => location.hash), `#/case/${caseId}/step/2`);
    assert.equal(await page.inputValue('#f-name'), '李四');
    assert.equal(await page.inputValue('#f-address'), '幸福路12号');
    // the full countdown has passed since it opened: nothing was cleared
    await page.clock.fastForward('00:15');
    assert.equal(await page.inputValue('#f-name'), '李四');
    assert.equal(await page.locator('.overlay').count(), 0);
  });

  it('when the countdown runs out everything is cleared and home returns in Chinese, normal size', async () => {
    await setMode(page, { lang: 'en', big: true });
    assert.equal(await page.inputValue('#f-name'), '李四', 'language switch keeps the typing');
    await tap(page.locator('#f-mobile'));
    await page.keyboard.type('139');
    await scrollsSettled();
    await page.clock.fastForward('01:31');
    await dialog().waitFor({ state: 'visible' });
    await shot(page, 'idle-03-countdown-en-big', { fullPage: false });
    await checkDialog(32);
    const n0 = await countdown();
    assert.ok(n0 >= 20, `countdown starts at ${n0} s`);
    // through atRoute, which marks the step screen first and so waits for home
    // itself to be drawn, not just for the address to change
    await atRoute(page, /^#\/$/, () => page.clock.fastForward(`00:${String(n0 + 1).padStart(2, '0')}`));
    await poll(async () => assert.equal(await page.locator('.overlay').count(), 0));
    assert.deepEqual(await getMode(page), { lang: 'zh-CN', big: false });
    assert.equal(await h1Text(page), '您好！请问您要办什么事？');
    assert.equal(await page.locator('#btn-lang').innerText(), 'English');
    assert.equal(await page.inputValue('#search-q'), '');
    assert.equal(await page.evaluate(() => !!document.querySelector('[inert]')), false, 'nothing left inert');
    let text = await page.locator('body').innerText();
    for (const s of ['李四', '幸福路12号']) assert.ok(!text.includes(s), `"${s}" is still on screen`);
    await shot(page, 'idle-04-cleared-home');

    // the browser's back button does not bring the answers back
    await atRoute(page, /^#\/$/, () => page.goBack());
    text = await page.locator('body').innerText();
    for (const s of ['李四', '幸福路12号']) assert.ok(!text.includes(s), `"${s}" is back after 返回`);
    assert.equal(await page.locator('#f-name').count(), 0);
    kp.assertClean('idle');
  });
});
