// The kiosk's modal dialogs with a keyboard (a PC at home, or a kiosk with
// a keyboard and no touch): Esc takes the dialog's safe way out, as the
// staff page's inline forms do (core.js closable) and as a modal dialog
// does (WAI-ARIA APG): 首页 in the middle of a case → 返回 (the case
// stays), 完成 on the ticket → 返回，记下号码 (the number stays on screen),
// and the idle countdown 还在使用吗? → 继续使用. The focus goes back to the
// button that opened the dialog. Before, Esc did nothing: the dialog stayed
// and the idle countdown ran on to the reset.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, poll } from './helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('Esc on the kiosk\'s dialogs', () => {
  let x;
  let page;
  const dialog = () => page.locator('.overlay [role=dialog], .overlay [role=alertdialog]');
  before(async () => {
    x = await kioskPage(k, { hasTouch: false });
    page = x.page;
  });
  after(async () => { if (x) await x.context.close(); });

  it('首页 during a case: Esc keeps the case, focus back on 首页', async () => {
    await page.goto(k.url + '/?kiosk=1#/p/labour-handbook');
    await page.locator('#main h1').waitFor();
    await page.locator('#main button', { hasText: '开始办理' }).first().click();
    await atRoute(page, /#\/case\/[0-9a-f]{32}\//);
    const where = page.url();
    await page.locator('#btn-home').focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await page.keyboard.press('Escape');
    await poll(async () => assert.equal(await dialog().count(), 0, 'the dialog is still open'));
    assert.equal(page.url(), where);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'btn-home');
  });

  it('完成 on the ticket: Esc keeps the number on screen', async () => {
    const c = await labourCase(k.url);
    await page.goto(k.url + '/?kiosk=1#/code');
    await page.locator('#code-q').waitFor();
    await page.locator('#code-q').fill(c.id);
    await page.keyboard.press('Enter');
    await page.locator('#main', { hasText: c.ticket }).waitFor();
    const where = page.url();
    await page.locator('#main button', { hasText: '完成' }).focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await page.keyboard.press('Escape');
    await poll(async () => assert.equal(await dialog().count(), 0, 'the dialog is still open'));
    assert.equal(page.url(), where);
    assert.ok((await page.locator('#main').innerText()).includes(c.ticket));
  });

  it('还在使用吗?: Esc is 继续使用, the screen stays', async () => {
    await page.goto(k.url + '/?kiosk=1&idle=1&countdown=8#/p/labour-handbook');
    await page.locator('#main h1').waitFor();
    await page.locator('.overlay [role=alertdialog]').waitFor({ timeout: 5000 });
    const where = page.url();
    await page.keyboard.press('Escape');
    await poll(async () => assert.equal(await page.locator('.overlay').count(), 0, 'the countdown is still open'));
    assert.equal(page.url(), where);
  });
});
