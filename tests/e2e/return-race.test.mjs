// 退回补正 refused because a colleague accepted the case while the reason
// was being written (409 case_moved, "请看上面办件现在的状态再决定"): before,
// the page went on showing the case as waiting, so the status the message
// pointed to was the old one. The case is now redrawn as it is (已受理),
// and since it can still be returned, the form is back with the reason
// and the marks, for the staffer to send again or cancel.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, useTwoStaff, staffLogin, openStaffCase, holdQueueRefresh } from './helpers.mjs';
import { login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('a 退回补正 over a colleague\'s 受理', () => {
  const two = useTwoStaff(k);

  it('redraws the case accepted, and offers the return again with what was typed and marked', async () => {
    const { page } = two.kp;
    const c = await labourCase(k.url);
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const pane = await openStaffCase(page, c.ticket);
    await pane.getByRole('button', { name: '退回补正' }).click();
    const reason = '户口簿复印件缺少本人页';
    await page.fill('#return-reason', reason);
    const box = pane.locator('form input[type=checkbox]').first();
    const mark = await box.getAttribute('id');
    await box.check();
    const release = await holdQueueRefresh(page);
    try {
      const li = await login(k.url, 'li', 'li-password-12');
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/accept`, { method: 'POST', headers: authHeaders(li), body: '{}' });
      assert.equal(r.status, 200, await r.text());
      await pane.getByRole('button', { name: '退回并打印补正告知单' }).click();
      await pane.locator('.case-msg', { hasText: '没有退回' }).waitFor();
      assert.match(await pane.locator('.case-facts').innerText(), /已受理/, 'the case as it is now');
    } finally {
      await release();
    }
    assert.equal(await page.inputValue('#return-reason'), reason, 'the reason typed');
    assert.equal(await page.isChecked('#' + mark), true, 'the part marked');
    const v = await (await fetch(`${k.url}/api/v1/staff/cases/${c.id}`, { headers: authHeaders(await login(k.url, 'li', 'li-password-12')) })).json();
    assert.equal(v.status, 'accepted', 'nothing returned');
    await page.keyboard.press('Escape');
    two.kp.assertClean('staff page');
  });
});
