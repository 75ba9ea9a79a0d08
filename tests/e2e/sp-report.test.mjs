// 这一步有误 (SP有误, issue #11 part 5): a staffer opens a waiting case at
// /staff, presses 这一步有误 on its second step (by keyboard), sends an
// empty note (the server's message, the focus back in the note), then a
// note as 不清楚 and sees the confirmation; the admin console shows the
// count beside the item's file, the report (step, kind, note, who) under
// it, and 已处理 with a reply marks it dealt with (the API agrees). axe-core
// on both pages with the form and the reports open.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, shot, axeSerious, staffLogin } from './helpers.mjs';
import { addUser, login } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();
const DESKTOP = { width: 1600, height: 1000 };
const PW = 'boss-password-9';
const NOTE = '身份证复印件要几份没有写';

describe('这一步有误: from the staff case view to the admin console', () => {
  let kp;
  let page;
  let c;

  before(async () => {
    const db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'boss', 'admin', PW);
    c = await labourCase(k.url);
    kp = await kioskPage(k, { viewport: DESKTOP, hasTouch: false });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('a staffer reports the second step from the case view', async () => {
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').waitFor();
    await page.locator('#case-key').fill(c.ticket);
    await page.keyboard.press('Enter');
    await page.locator('#case-h', { hasText: c.ticket }).waitFor();
    // a case without conditions' note or missing papers: no stray "null" where they would be
    assert.doesNotMatch(await page.locator('#case-pane').innerText(), /\bnull\b/);
    const step = page.locator('article.step').nth(1);
    const open = step.getByRole('button', { name: /^这一步有误/ });
    assert.equal(await open.getAttribute('aria-expanded'), 'false');
    await open.focus();
    await page.keyboard.press('Enter');
    const form = step.locator('form.spreport-form');
    await form.waitFor();
    assert.equal(await open.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
    // an empty note: the server's message, the focus back in the note
    await form.getByRole('button', { name: '提交给管理员' }).click();
    await form.locator('[role=alert]', { hasText: '请写明这一步哪里有误或不清楚' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
    await form.getByLabel('不清楚', { exact: true }).check();
    await page.keyboard.press('Tab');
    await form.locator('textarea').fill(NOTE);
    const problems = await axeSerious(page);
    await shot(page, 'staff-spreport-form');
    assert.deepEqual(problems, [], 'axe: no serious or critical violation on the form');
    await form.getByRole('button', { name: '提交给管理员' }).click();
    await step.locator('.msg-ok', { hasText: '已报告给管理员：这一步不清楚' }).waitFor();
    assert.equal(await step.locator('form').count(), 0);
    assert.equal(await open.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), '这一步有误');
  });

  it('the admin console lists it beside the file and marks it dealt with', async () => {
    const ap = await kioskPage(k, { viewport: DESKTOP, hasTouch: false });
    try {
      const p = ap.page;
      await p.goto(k.url + '/admin');
      await p.fill('#login-name', 'boss');
      await p.fill('#login-pass', PW);
      await p.click('.login-form button[type=submit]');
      const row = p.locator('tr[data-id="labour-handbook"]');
      await row.waitFor();
      await p.locator('#summary', { hasText: '步骤问题 1 条待处理' }).waitFor();
      const block = row.locator('details.spreport-block');
      assert.equal(await block.locator('summary').innerText(), '步骤反馈 1 条待处理');
      assert.equal(await p.locator('details.spreport-block').count(), 1, 'only the reported item');
      await p.selectOption('#filter', 'reports');
      assert.equal(await p.locator('.proc-table tbody tr').count(), 1);
      await block.locator('summary').click();
      const item = block.locator('li[data-report]');
      const t = await item.innerText();
      assert.match(t, /第 2 步 准备材料/);
      assert.match(t, /不清楚/);
      assert.ok(t.includes(NOTE), t);
      assert.match(t, /wang · \d{4}-\d\d-\d\d \d\d:\d\d/);
      assert.ok(!t.includes(c.ticket) && !t.includes('张晓梅'), 'nothing of the case');
      const problems = await axeSerious(p);
      await shot(p, 'admin-spreport');
      assert.deepEqual(problems, [], 'axe: no serious or critical violation on the list');
      await item.getByLabel('答复（可不填）').fill('已在注意事项里写明：一份');
      await item.getByRole('button', { name: /^已处理/ }).click();
      await block.locator('[role=status]', { hasText: '已处理：第 2 步的反馈（答复：已在注意事项里写明：一份）' }).waitFor();
      assert.equal(await block.locator('summary').innerText(), '步骤反馈已全部处理');
      const admin = await login(k.url, 'boss', PW);
      const r = await fetch(`${k.url}/api/v1/admin/reports?procedure=labour-handbook`, { headers: { Cookie: admin.cookie } });
      const l = await r.json();
      assert.equal(l.counts.open, 0);
      assert.equal(l.reports[0].dealt_by, 'boss');
      assert.equal(l.reports[0].reply, '已在注意事项里写明：一份');
      // after a reload the file has nothing open
      await p.reload();
      await row.waitFor();
      assert.equal(await row.locator('details.spreport-block').count(), 0);
    } finally {
      await ap.context.close();
    }
  });
});
