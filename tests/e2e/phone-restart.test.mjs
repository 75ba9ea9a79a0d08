// From home on a phone (网上办事), the phone's back button: a resident who
// went back from the first screens of a case to the item's overview (to
// read the materials again) and tapped 开始办理 there got a second, empty
// case with another link: the conditions answered and the steps sent were
// on the first case, out of sight. 开始办理 then goes back to this tab's
// case while it is open (not handed in); after 首页 › 回首页, which leaves
// the case, it starts a new one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute } from './helpers.mjs';

const k = useKiosk();

describe('开始办理 again after the back button, from a phone', () => {
  let kp;
  let page;
  const caseOf = async () => /^#\/case\/([0-9a-f]{32})\//.exec(await page.evaluate(() => location.hash))?.[1];
  const start = () => page.locator('#main .actions-overview button', { hasText: '开始办理' }).tap();

  before(async () => {
    kp = await kioskPage(k, { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('goes back to the open case, its answers kept', async () => {
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(`${k.url}/#/p/labour-handbook`));
    await atRoute(page, /\/conditions$/, start);
    const first = await caseOf();
    for (let i = 0; i < 3; i++) await page.locator(`label[for="cond-${i}-yes"]`).tap();
    await atRoute(page, /\/step\/0$/, () => page.locator('#main button', { hasText: '确认，下一步' }).tap());
    await atRoute(page, /\/conditions$/, () => page.goBack());
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goBack());
    await atRoute(page, /\/conditions$/, start);
    assert.equal(await caseOf(), first, 'the same case, not a second one');
    for (let i = 0; i < 3; i++)
      assert.equal(await page.locator(`#cond-${i}-yes`).isChecked(), true, `condition ${i + 1} still answered`);
    const c = await (await fetch(`${k.url}/api/v1/cases/${first}`)).json();
    assert.equal(c.conditions_confirmed, true);
  });

  it('after 首页 › 回首页 it starts a new case', async () => {
    const first = await caseOf();
    await page.locator('#btn-home').tap();
    const dialog = page.locator('.dialog[role=dialog]');
    await atRoute(page, /^#\/$/, () => dialog.getByRole('button', { name: '回首页' }).tap());
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(`${k.url}/#/p/labour-handbook`));
    await atRoute(page, /\/conditions$/, start);
    const second = await caseOf();
    assert.notEqual(second, first);
    assert.equal(await page.locator('#cond-0-yes').isChecked(), false);
    kp.assertClean('restart');
  });
});
