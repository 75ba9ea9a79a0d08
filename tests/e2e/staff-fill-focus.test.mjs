// 窗口代填 with the keyboard only: a step saved with 保存这一步 (Tab to it,
// Enter) that fails its checks. The button is disabled while the step is
// sent, which took the focus from it to the page's body, and nothing gave
// it back: the staffer heard the error summary and had to Tab from the top
// of the page to the field to fix (a staff review). The focus now goes to
// the first part the server refused, marked aria-invalid, and the mark goes
// once that part passes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin } from './helpers.mjs';
import { addUser } from '../api/helpers.mjs';

const k = useKiosk();

describe('窗口代填: the focus after a step that fails its checks', () => {
  let kp;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => { if (kp) await kp.context.close(); });

  const active = (page) => page.evaluate(() => document.activeElement.id || document.activeElement.tagName);
  async function saveByKeyboard(page) {
    await page.focus('.fill-form button[type=submit]');
    await page.keyboard.press('Enter');
  }

  it('goes to the first refused field, then to the next one still wrong', async () => {
    const { page } = kp;
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').waitFor();
    await page.selectOption('#start-proc', 'labour-handbook');
    await page.click('.start-form button[type=submit]');
    for (const i of [0, 1, 2]) await page.check('#cond-' + i);
    await page.click('.fill-form button[type=submit]');
    await page.locator('#fill-h', { hasText: '第 1 步' }).waitFor();

    await saveByKeyboard(page);
    // the page marks the refused parts and moves the focus in one go (one
    // task, staff.js): once the marks are drawn the focus has moved, on a
    // loaded machine too (a 3 s wait for the focus was a deadline, not an event)
    await page.locator('#field-hukou-err', { hasText: '请选择' }).waitFor();
    assert.equal(await active(page), 'field-hukou', 'the focus is on the first refused field');
    assert.equal(await page.getAttribute('#field-hukou', 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#field-status', 'aria-invalid'), 'true');

    await page.selectOption('#field-hukou', '本市户籍');
    await saveByKeyboard(page);
    // the save cleared the marks as it went out; the answer's are drawn again
    await page.locator('#field-status[aria-invalid="true"]').waitFor({ state: 'attached' });
    assert.equal(await active(page), 'field-status');
    assert.equal(await page.getAttribute('#field-hukou', 'aria-invalid'), null, 'a part that passed is no longer marked');
    assert.equal(await page.getAttribute('#field-status', 'aria-invalid'), 'true');

    await page.selectOption('#field-status', '失业');
    await saveByKeyboard(page);
    await page.locator('#fill-h', { hasText: '第 2 步' }).waitFor();
    // a required paper not ticked: its box takes the focus
    await saveByKeyboard(page);
    await page.locator('#item-id_card[aria-invalid="true"]').waitFor({ state: 'attached' });
    assert.equal(await active(page), 'item-id_card');
    assert.equal(await page.getAttribute('#item-id_card', 'aria-invalid'), 'true');
    kp.assertClean('staff page');
  });

  // the conditions of a case started at the window, one left unticked: the
  // server's answer is the resident's (请到综合窗口咨询, said to the staffer
  // at that window), naming no condition, and the focus fell to the body
  it('names an unticked condition, marks it and puts the focus on it', async () => {
    const { page } = kp;
    await page.selectOption('#start-proc', 'labour-handbook');
    await page.click('.start-form button[type=submit]');
    await page.locator('#fill-h', { hasText: '核实办理条件' }).waitFor();
    await page.check('#cond-0');
    await page.check('#cond-2');
    await saveByKeyboard(page);
    const err = page.locator('.fill-errors');
    await err.locator('li').first().waitFor();
    const text = await err.innerText();
    assert.match(text, /具有本市户籍，或者持有本市居住证/, 'the unticked condition is named');
    assert.doesNotMatch(text, /年满16周岁/, 'only the unticked one');
    assert.doesNotMatch(text, /请到综合窗口咨询/, 'not the resident\'s words');
    assert.equal(await page.getAttribute('#cond-1', 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#cond-0', 'aria-invalid'), null);
    assert.equal(await active(page), 'cond-1');
    kp.assertClean('staff page');
  });
});
