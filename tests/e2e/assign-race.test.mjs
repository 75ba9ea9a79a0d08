// 转交同事 over a colleague's 转交: li accepted the case (its owner); wang,
// whose page shows li as the owner, hands it to himself while li hands it
// to zhao. Before, wang was told 已转交 wang 负责 and zhao lost the case li
// had just given him, without a word to either. The page now sends the
// owner it showed: the refusal redraws the case with its present owner
// and says why nothing changed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, openStaffCase, holdQueueRefresh } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('a hand-over over a colleague\'s hand-over', () => {
  let kp;

  before(async () => {
    const db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-12');
    addUser(db, 'zhao', 'staff', 'zhao-password-3');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('is refused; the page shows the owner the colleague chose', async () => {
    const { page } = kp;
    const c = await labourCase(k.url);
    const li = await login(k.url, 'li', 'li-password-12');
    const acc = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/accept`, { method: 'POST', headers: authHeaders(li), body: '{}' });
    assert.equal(acc.status, 200, await acc.text());
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const pane = await openStaffCase(page, c.ticket);
    assert.match(await pane.locator('.case-facts').innerText(), /负责人\s*li/);
    await pane.getByRole('button', { name: '转交同事' }).click();
    const pick = page.locator('select#assign-user');
    await pick.locator('option[value="wang"]').waitFor({ state: 'attached' });
    await pick.selectOption('wang');
    // li hands it on meanwhile; a queue refresh in between would redraw
    // the case, and the form with it, before the button is pressed
    const release = await holdQueueRefresh(page);
    try {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/assign`, {
        method: 'POST', headers: authHeaders(li), body: JSON.stringify({ user: 'zhao' }) });
      assert.equal(r.status, 200, await r.text());
      await page.getByRole('button', { name: '确认转交' }).click();
      await pane.locator('.case-msg', { hasText: '已被同事转交' }).waitFor();
      assert.match(await pane.locator('.case-facts').innerText(), /负责人\s*zhao/, 'redrawn with the present owner');
    } finally {
      await release();
    }
    const v = await (await fetch(`${k.url}/api/v1/staff/cases/${c.id}`, { headers: authHeaders(li) })).json();
    assert.equal(v.owner, 'zhao');
    kp.assertClean('staff page');
  });
});
