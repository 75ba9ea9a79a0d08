// The B post at a resident's home, on a phone (/staff#visits, 360×800).
// The visit finds the bank card number wrong: 退回补正 there opens no print
// tab (there is no printer at a home) and says what to do instead.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage } from './helpers.mjs';
import { addUser } from '../api/helpers.mjs';
import { longevityCase, apiPost } from './labour-case.mjs';

const k = useKiosk();
const PHONE = { width: 360, height: 800 };
// today in the hall's zone (the daemon and the pages run in Asia/Shanghai)
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

async function visitToday() {
  const id = await longevityCase(k.url);
  const r = await apiPost(k.url, `/api/v1/cases/${id}/submit`,
    { visit: { date: today(), slot: '上午', address: '幸福小区3栋2单元501', phone: '0535-6221234' } });
  assert.equal(r.status, 'visit', JSON.stringify(r));
  return id;
}

async function phoneAt(id) {
  const kp = await kioskPage(k, { viewport: PHONE, isMobile: true });
  const { page } = kp;
  await page.goto(`${k.url}/staff#visits`);
  await page.fill('#login-name', 'zhao');
  await page.fill('#login-pass', 'zhao-password-1');
  await page.click('.login-form button[type=submit]');
  await page.locator(`#visits .visit-open[data-id="${id}"]`).click();
  await page.locator('.case-facts', { hasText: '等待上门' }).waitFor();
  return kp;
}

// 退回补正 of the case on show, the bank card flagged.
async function returnAtHome(page) {
  await page.getByRole('button', { name: '退回补正' }).click();
  await page.fill('#return-reason', '银行卡号有误，请改为老人本人的社保卡号');
  await page.check('#flag-field-bank_card');
  await page.locator('.case-form button[type=submit]').click();
  await page.locator('.case-facts', { hasText: '已退回补正' }).waitFor();
}

describe('上门服务: 代为补正 at the home', () => {
  before(() => addUser(path.join(k.tmp, 'e2e.db'), 'zhao', 'staff', 'zhao-password-1'));

  it('a return at the home opens no print tab, and says what to do there', async () => {
    const id = await visitToday();
    const kp = await phoneAt(id);
    const { page, context } = kp;
    try {
      await page.getByRole('button', { name: '退回补正' }).click();
      // the hint speaks of telling the resident, not of a notice printed now
      assert.match(await page.locator('#return-reason-hint').innerText(), /当面/);
      assert.equal(await page.locator('.case-form button[type=submit]').innerText(), '退回补正');
      await page.locator('.case-form [data-cancel]').click();
      await returnAtHome(page);
      const said = await page.locator('.case-msg').innerText();
      assert.match(said, /代为补正/);
      assert.doesNotMatch(said, /新标签页/);
      assert.equal(context.pages().length, 1, 'no tab opened for a notice nobody can print at a home');
      kp.assertClean('return at the home');
    } finally {
      await context.close();
    }
  });
});
