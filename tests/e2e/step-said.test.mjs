// A resident with a screen reader goes through the steps at the kiosk: the
// focus comes to each step's heading, and a screen reader said the step's
// name alone (说明您的情况), never 第 1 步 / 共 4 步 written above it, so the
// resident did not know how far there was to go. The heading is described
// by it now. Read from Chromium's accessibility tree, as a screen reader
// gets it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, spoken } from './helpers.mjs';

const k = useKiosk();

describe('each step is said with where it stands', () => {
  let x;
  let page;
  before(async () => {
    x = await kioskPage(k, { hasTouch: false });
    page = x.page;
  });
  after(async () => { if (x) await x.context.close(); });

  it('conditions, then steps 1 and 2 by the keyboard', async () => {
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(`${k.url}/?kiosk=1#/p/labour-handbook`));
    await atRoute(page, /\/conditions$/, () => page.locator('#main button', { hasText: '开始办理' }).first().press('Enter'));
    for (const i of [0, 1, 2]) {
      await page.locator(`#cond-${i}-yes`).focus();
      await page.keyboard.press('Space');
    }
    await atRoute(page, /\/step\/0$/, () => page.locator('#main button', { hasText: '确认，下一步' }).press('Enter'));
    let s = await spoken(page, 'document.activeElement');
    assert.deepEqual([s.role, s.name, s.description], ['heading', '说明您的情况', '第 1 步 / 共 4 步']);
    await page.locator('#f-hukou-0').focus();
    await page.keyboard.press('Space');
    await page.locator('#f-status-1').focus();
    await page.keyboard.press('Space');
    await atRoute(page, /\/step\/1$/, () => page.locator('#main form.step-form button[type=submit]').press('Enter'));
    s = await spoken(page, 'document.activeElement');
    assert.deepEqual([s.role, s.name, s.description], ['heading', '准备材料', '第 2 步 / 共 4 步']);
    x.assertClean('steps');
  });
});
