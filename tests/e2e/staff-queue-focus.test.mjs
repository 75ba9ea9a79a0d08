// A staffer who works the staff page with the keyboard (or a screen
// reader) tabs down the queue. The page draws its lists again every 5 s:
// the focused ticket button went with its old row and the focus fell to
// the page's body, so every 5 s the staffer started again from the top
// and a screen reader lost its place. The same button of the same case's
// row keeps the focus now (core.js redrawRows); when a colleague takes the
// case meanwhile, the table gets it, never another resident's ticket,
// which an Enter meant for the first would open.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, useTwoStaff, poll, staffLogin } from './helpers.mjs';
import { login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('the staff page\'s queue keeps the keyboard\'s focus across its refresh', () => {
  const two = useTwoStaff(k);
  const focused = (page) => page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    return a.localName === 'button' ? `button ${a.closest('tr')?.dataset.id} ${a.textContent}` : a.localName;
  });
  const rows = (page) => page.locator('#main table').first().locator('tbody tr[data-id]');

  it('on the same ticket while the list changes around it', async () => {
    const { page } = two.kp;
    const first = await labourCase(k.url);
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await rows(page).first().waitFor();
    // Tab from 叫下一个号 to the first ticket, as a keyboard user gets there
    await page.locator('#call-next').focus();
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), `button ${first.id} ${first.ticket}`);
    // a resident hands in another case: the next refresh draws two rows
    await labourCase(k.url);
    await poll(async () => assert.equal(await rows(page).count(), 2), { timeout: 12_000 });
    assert.equal(await focused(page), `button ${first.id} ${first.ticket}`, 'the focus stayed on the ticket');
    // and Enter still opens that case
    await page.keyboard.press('Enter');
    await page.locator('#case-h', { hasText: first.ticket }).waitFor();
    two.kp.assertClean('staff page');
  });

  it('on the table, not on another ticket, once a colleague took the case', async () => {
    const { page } = two.kp;
    const ticketRows = rows(page);
    await poll(async () => assert.ok(await ticketRows.count() >= 2));
    const [gone, stays] = await ticketRows.evaluateAll((trs) => trs.slice(0, 2).map((tr) => tr.dataset.id));
    await ticketRows.first().locator('button').focus();
    const li = await login(k.url, 'li', 'li-password-12');
    const r = await fetch(`${k.url}/api/v1/staff/cases/${gone}/accept`, { method: 'POST', headers: authHeaders(li), body: '{}' });
    assert.equal(r.status, 200, await r.text());
    // the next refresh draws the queue without it
    await poll(async () => assert.equal(await ticketRows.evaluateAll((trs, id) => trs.filter((tr) => tr.dataset.id === id).length, gone), 0),
      { timeout: 12_000 });
    const now = await page.evaluate(() => {
      const a = document.activeElement;
      return { tag: a.localName, caption: a.localName === 'table' ? a.caption?.textContent : '', row: a.closest('tr')?.dataset.id ?? '' };
    });
    assert.equal(now.tag, 'table', `the focus is on ${JSON.stringify(now)}`);
    assert.notEqual(now.row, stays);
    two.kp.assertClean('staff page');
  });
});
