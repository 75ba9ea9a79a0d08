// 不予受理 on the staff page shows the item's staff guidance ({staff}) in its
// form. 低保's says the window never refuses on income (入户调查 and the
// economic check decide, 窗口不当场说「不符合」); the form offered the income
// condition to refuse on, and the guidance sat far below in the steps, so a
// newcomer refused a resident the rules say must be taken on.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, openStaffCase } from './helpers.mjs';
import { addUser } from '../api/helpers.mjs';

const k = useKiosk();

describe('不予受理 shows the item\'s staff guidance', () => {
  let kp, page;
  const json = async (p, body) => {
    const r = await fetch(k.url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const t = await r.text();
    assert.ok(r.ok, `${p}: ${r.status} ${t}`);
    return JSON.parse(t);
  };

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'xiao', 'staff', 'xiao-password-1');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
    page = kp.page;
    await staffLogin(page, k.url, 'xiao', 'xiao-password-1');
  });
  after(async () => {
    if (kp) {
      kp.assertClean('refuse guidance');
      await kp.context.close();
    }
  });

  async function handedIn(procedure, conditions, body) {
    const id = (await json('/api/v1/cases', { procedure, channel: 'kiosk' })).id;
    await json(`/api/v1/cases/${id}/conditions`, { confirmed: conditions });
    return (await json(`/api/v1/cases/${id}/steps/0/incomplete`, body)).ticket;
  }

  it('低保: the income rule is in the refusal form', async () => {
    const ticket = await handedIn('minimum-living-allowance', [true, true, true, true],
      { checklist: { id_card: true, hukou_books: true, income_proof: false }, fields: { proxy: 'no' } });
    const pane = await openStaffCase(page, ticket);
    await pane.getByRole('button', { name: '不予受理' }).click();
    const form = pane.locator('form', { has: page.locator('#refuse-reason') });
    const g = await form.locator('#refuse-guidance').innerText();
    assert.match(g, /不予受理前请先看本事项的窗口提示/);
    assert.match(g, /窗口不当场说「不符合」/);
    assert.match(g, /户口簿上的人数/);
  });
});
