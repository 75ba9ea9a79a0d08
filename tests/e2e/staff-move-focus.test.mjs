// The staff page from the keyboard: 再次叫号, and a move refused because a
// colleague moved the case first, redraw the case view in place. The
// button that had the focus went with the old view and the focus fell to
// the page's body: a keyboard or screen-reader staffer was sent back to the
// top of the page after every re-call (a staff review). The case's heading
// now takes the focus when the redraw removed what had it; the line saying
// what happened is read out beside it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, useTwoStaff, staffLogin, openStaffCase, holdQueueRefresh } from './helpers.mjs';
import { login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('the focus after a move redraws the case', () => {
  const two = useTwoStaff(k);

  const active = (page) => page.evaluate(() => document.activeElement.id || document.activeElement.tagName);

  it('is on the case heading after 再次叫号 and after a refused 受理', async () => {
    const { page } = two.kp;
    const c = await labourCase(k.url);
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const pane = await openStaffCase(page, c.ticket);

    await pane.getByRole('button', { name: '再次叫号' }).focus();
    await page.keyboard.press('Enter');
    await pane.locator('.case-msg', { hasText: '已再次叫' }).waitFor();
    assert.equal(await active(page), 'case-h', 'after 再次叫号');

    // li accepts behind the page's back: a queue refresh falling before the
    // Enter would redraw the case without its 受理 (held, see the helper)
    const release = await holdQueueRefresh(page);
    try {
      const li = await login(k.url, 'li', 'li-password-12');
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/accept`, { method: 'POST', headers: authHeaders(li), body: '{}' });
      assert.equal(r.status, 200, await r.text());
      await pane.getByRole('button', { name: '受理', exact: true }).focus();
      await page.keyboard.press('Enter');
      await pane.locator('.case-facts', { hasText: '已受理' }).waitFor();
      await pane.locator('.case-msg', { hasText: '不在等候中' }).waitFor();
      assert.equal(await active(page), 'case-h', 'after the refused 受理');
    } finally {
      await release();
    }
    two.kp.assertClean('staff page');
  });

  // 叫下一个号 pressed from the keyboard with nobody waiting: busy() disabled
  // the button while the call went out, the focus fell to the body and the
  // answer (现在没有等候的号) put it nowhere, so the next Enter did nothing
  it('stays on 叫下一个号 when nobody is waiting, and the next Enter calls', async () => {
    const { page } = two.kp;
    await page.locator('#call-next').focus();
    await page.keyboard.press('Enter');
    await page.locator('#call-msg .msg-error').waitFor();
    await page.waitForFunction(() => !document.querySelector('#call-next').disabled);
    assert.equal(await active(page), 'call-next');
    const c = await labourCase(k.url);
    await page.keyboard.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: c.ticket }).waitFor();
    two.kp.assertClean('staff page');
  });
});
