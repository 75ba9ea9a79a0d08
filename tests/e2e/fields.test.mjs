// How a form marks what may be left empty (issue #9): only an optional field
// carries a tag, (可不填) in Chinese and (optional) in English, as GOV.UK
// does; a required one carries aria-required and no word. The case is made
// through the API and opened by its code, the way a resident comes back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, axeSerious, setMode, shot, poll } from './helpers.mjs';

const k = useKiosk();

async function post(p, body) {
  const r = await fetch(`${k.url}${p}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${p}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

describe('a choice left empty asks to choose', () => {
  it('请选择, not 请填写, for a choice or yes/no (the server\'s words)', async () => {
    const c = await post('/api/v1/cases', { procedure: 'remote-medical-filing', channel: 'kiosk' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true] });
    const r = await fetch(`${k.url}/api/v1/cases/${c.id}/steps/0`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fields: {} }),
    });
    assert.equal(r.status, 422);
    assert.equal((await r.json()).fields.filing_type, '请选择备案类型');
  });
});

describe('the form marks optional fields only', () => {
  let kp;
  let page;
  let id;

  before(async () => {
    const c = await post('/api/v1/cases', { procedure: 'remote-medical-filing', channel: 'kiosk' });
    id = c.id;
    await post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true] });
    await post(`/api/v1/cases/${id}/steps/0`, { fields: { filing_type: '临时外出就医' } });
    await post(`/api/v1/cases/${id}/steps/1`, { checklist: { id_card: true } });
    kp = await kioskPage(k);
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('（可不填） beside the e-mail, nothing beside the required fields', async () => {
    await atRoute(page, /^#\/case\/[0-9a-f]+\/step\/2$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    const tags = await page.locator('#main form.step-form .tag').allInnerTexts();
    assert.deepEqual(tags, ['（可不填）'], tags.join(' '));
    const emailLabel = await page.locator('label[for="f-email"]').innerText();
    assert.ok(emailLabel.includes('可不填'), emailLabel);
    assert.ok(!(await page.locator('label[for="f-name"]').innerText()).includes('填'));
    assert.equal(await page.locator('#f-name').getAttribute('aria-required'), 'true');
    assert.equal(await page.locator('#f-email').getAttribute('aria-required'), null);
    assert.deepEqual(await axeSerious(page), []);
    await shot(page, 'fields-optional-zh');
  });

  it('a date error speaks of the box to fix, and its link goes there', async () => {
    const y = new Date().getFullYear() + 1;
    await page.fill('#f-name', '张三');
    await page.fill('#f-id_number', '11010519850315102X');
    await page.fill('#f-mobile', '13800138000');
    await page.fill('#f-mobile2', '13800138000');
    await page.fill('#f-place', '广东省广州市');
    await page.fill('#f-start_date-y', '27');
    await page.fill('#f-start_date-m', '2');
    await page.fill('#f-start_date-d', '30');
    // the keypad is up under the date (a touch page): the press on 下一步
    // must not lose its click to the keypad leaving (keypad.js)
    assert.equal(await page.locator('.keypad').count(), 1);
    await page.click('#main form.step-form button[type=submit]');
    const link = page.locator('#error-summary a');
    await poll(async () => assert.equal(await link.count(), 1));
    assert.equal(await link.innerText(), '备案开始日期的“年”框请填 4 位数字，如 1985');
    assert.equal(await link.getAttribute('href'), '#f-start_date-y');
    await link.click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f-start_date-y');

    // the right shape but no such day: the server's date_not_real, by the box
    await page.fill('#f-start_date-y', String(y));
    await page.click('#main form.step-form button[type=submit]');
    await poll(async () => assert.ok((await link.innerText()).includes('没有')));
    assert.equal(await link.innerText(), '备案开始日期：2 月没有 30 日，请核对“日”框');
    assert.equal(await link.getAttribute('href'), '#f-start_date-d');

    // a slip of the finger in the year (1026 for 2026): the server's
    // date_not_real too (no year before 1900), but the day is right; it
    // said 3 月没有 1 日 and sent the resident to the day's box
    await page.fill('#f-start_date-y', '1026');
    await page.fill('#f-start_date-m', '3');
    await page.fill('#f-start_date-d', '1');
    await page.click('#main form.step-form button[type=submit]');
    await poll(async () => assert.ok((await link.innerText()).includes('1026')));
    assert.equal(await link.innerText(), '备案开始日期的“年”框填的是 1026 年，请核对');
    assert.equal(await link.getAttribute('href'), '#f-start_date-y');
    assert.deepEqual(await axeSerious(page), []);
  });

  it('in English the tag reads (optional)', async () => {
    await setMode(page, { lang: 'en', big: false });
    const tags = await page.locator('#main form.step-form .tag').allInnerTexts();
    assert.deepEqual(tags, ['(optional)'], tags.join(' '));
    kp.assertClean('fields');
  });
});

// An ID number pasted as people write it in a message, in groups
// (110105 19850315 102X): the server takes it (spaces ignored), but the
// box's 18-character limit cut the paste at the 18th character, spaces
// counted, and the resident who pasted all 18 digits was told 现在是 16 位.
describe('an ID number pasted in groups', () => {
  it('keeps every digit: the spaces go, the limit counts the digits', async () => {
    const c = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    await post(`/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, hukou_book: true } });
    const kp = await kioskPage(k, { viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      const { page } = kp;
      await kp.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: k.url });
      await atRoute(page, /\/step\/2$/, () => page.goto(`${k.url}/#/case/${c.id}`));
      await page.evaluate(() => navigator.clipboard.writeText('110105 19850315 102x'));
      await page.focus('#f-id_number');
      await page.keyboard.press('ControlOrMeta+V');
      await poll(async () => assert.equal(await page.inputValue('#f-id_number'), '11010519850315102X'));
      // pasted over a selection, the rest is kept and the limit still holds
      await page.locator('#f-id_number').evaluate((e) => e.setSelectionRange(0, 6));
      await page.evaluate(() => navigator.clipboard.writeText('3706 02'));
      await page.keyboard.press('ControlOrMeta+V');
      await poll(async () => assert.equal(await page.inputValue('#f-id_number'), '37060219850315102X'));
      await page.evaluate(() => navigator.clipboard.writeText('9999'));
      await page.keyboard.press('ControlOrMeta+V');
      assert.equal(await page.inputValue('#f-id_number'), '37060219850315102X', 'nothing beyond 18');
      kp.assertClean('paste');
    } finally {
      await kp.context.close();
    }
  });
});
