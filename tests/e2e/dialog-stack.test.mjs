// The idle countdown (还在使用吗?) can open over another of the kiosk's
// dialogs: a resident reading 完成's question 记下您的排队号了吗? for 90 s
// with a screen reader (which sends the page no keys while reading). The
// dialog under it stayed live: Shift+Tab from 继续使用 went to 已记下，完成,
// which clears the screen and the number with it, and a screen reader read
// on into it. Every dialog under the top one is inert now, and closing the
// top one brings the one under it back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, poll } from './helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('a dialog over a dialog', () => {
  let x;
  let page;
  before(async () => {
    x = await kioskPage(k, { hasTouch: false });
    page = x.page;
  });
  after(async () => { if (x) await x.context.close(); });

  const where = () => page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    const d = a.closest('[role=dialog], [role=alertdialog]');
    return `${d ? d.getAttribute('role') : 'page'}: ${a.textContent.trim()}`;
  });

  it('the countdown over 完成\'s question: only the countdown is reachable', async () => {
    const c = await labourCase(k.url);
    // the idle time short (4 s), the countdown long (60 s)
    await page.goto(`${k.url}/?kiosk=1&idle=4&countdown=60#/code`);
    await page.locator('#code-q').fill(c.id);
    await page.keyboard.press('Enter');
    await page.locator('#main', { hasText: c.ticket }).waitFor();
    await page.locator('#main button', { hasText: '完成' }).press('Enter');
    await page.locator('.overlay [role=dialog]').waitFor();
    await page.locator('.overlay [role=alertdialog]').waitFor({ timeout: 15_000 });
    assert.equal(await where(), 'alertdialog: 继续使用');
    const seen = [];
    for (const key of ['Shift+Tab', 'Shift+Tab', 'Tab', 'Tab', 'Tab']) {
      await page.keyboard.press(key);
      seen.push(await where());
    }
    assert.deepEqual(seen.filter((w) => w.startsWith('dialog')), [], `the focus went under the countdown: ${seen.join(' | ')}`);
    // 继续使用 closes it; 完成's question is live again, the focus in it
    await page.locator('.overlay [role=alertdialog] button').focus();
    await page.keyboard.press('Enter');
    await poll(async () => assert.equal(await page.locator('.overlay [role=alertdialog]').count(), 0));
    assert.equal(await page.locator('.overlay').evaluate((o) => o.inert), false, '完成\'s question is live again');
    assert.equal(await where(), 'dialog: 返回，记下号码');
    await page.keyboard.press('Escape');
    await poll(async () => assert.equal(await page.locator('.overlay').count(), 0));
    assert.equal(await page.locator('#main').evaluate((m) => m.closest('[inert]') === null), true, 'the page is live again');
    x.assertClean('dialogs');
  });
});
