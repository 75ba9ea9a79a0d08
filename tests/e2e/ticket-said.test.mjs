// A resident who cannot see the screen hands a case in at the kiosk with a
// screen reader: the focus goes to the ticket's heading, and what a screen
// reader says there is the heading's name and description. It said 您的排队号
// and stopped; the number itself (the one thing to take away) and 已经提交成功
// were left for the resident to go and find. 完成's question 记下您的排队号了吗?
// did not say the number either. Read from Chromium's accessibility tree
// (the DevTools protocol), as a screen reader gets it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, spoken } from './helpers.mjs';
import { labourForm, apiPost, NAME, ID } from './labour-case.mjs';

const k = useKiosk();

describe('the ticket is said where the focus lands', () => {
  let x;
  let page;
  let id;
  before(async () => {
    x = await kioskPage(k, { hasTouch: false });
    page = x.page;
    id = await labourForm(k.url);
    await apiPost(k.url, `/api/v1/cases/${id}/steps/2`, {
      fields: { name: NAME, id_number: ID, mobile: '13800138000', education: '高中', address: '幸福路12号3单元201室' },
    });
    await apiPost(k.url, `/api/v1/cases/${id}/steps/3`, {});
  });
  after(async () => { if (x) await x.context.close(); });

  it('确认提交 → the heading with the number and 已经提交成功', async () => {
    await atRoute(page, /\/review$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    await atRoute(page, /\/done$/, () => page.locator('#main button', { hasText: '确认提交' }).press('Enter'));
    const ticket = (await page.locator('#main .ticket-number').innerText()).trim();
    assert.match(ticket, /^[A-Z]\d{3,}$/);
    const s = await spoken(page, 'document.activeElement');
    assert.equal(s.role, 'heading');
    assert.equal(s.name, '您的排队号');
    assert.match(s.description, new RegExp(`^${ticket}\\b`), `the number first: "${s.description}"`);
    assert.match(s.description, /已经提交成功/);
  });

  it('完成 asks with the number', async () => {
    const ticket = (await page.locator('#main .ticket-number').innerText()).trim();
    await page.locator('#main button', { hasText: '完成' }).press('Enter');
    await page.locator('.overlay [role=dialog]').waitFor();
    const s = await spoken(page, 'document.querySelector(".overlay [role=dialog]")');
    assert.equal(s.name, '记下您的排队号了吗？');
    assert.match(s.description, new RegExp(`^${ticket}\\b`), `the number: "${s.description}"`);
    await page.keyboard.press('Escape');
    x.assertClean('ticket');
  });
});
