// 再次叫号 on a case the page showed not called yet, after a colleague's
// 叫下一个号 took the same number: before, the call went through and the
// hall's call screen sent one resident to two windows. The page now sends
// the calls it showed; the refusal redraws the case as it is (called, by
// whom) and says why nothing was called.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, useTwoStaff, staffLogin, openStaffCase, holdQueueRefresh, poll } from './helpers.mjs';
import { login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('a call over a colleague\'s call of the same number', () => {
  const two = useTwoStaff(k);

  it('is refused; the page shows the case called by the colleague', async () => {
    const { page } = two.kp;
    const c = await labourCase(k.url);
    await staffLogin(page, k.url, 'li', 'li-password-12');
    const pane = await openStaffCase(page, c.ticket);
    await pane.locator('.case-facts').waitFor();
    assert.doesNotMatch(await pane.locator('.case-facts').innerText(), /1 次/);
    // wang's 叫下一个号 behind the page's back; a queue refresh in between
    // would redraw the case before the button is pressed (see the helper)
    const release = await holdQueueRefresh(page);
    try {
      const wang = await login(k.url, 'wang', 'wang-password-1');
      const n = await fetch(`${k.url}/api/v1/staff/call-next`, {
        method: 'POST', headers: authHeaders(wang), body: JSON.stringify({ window: '1' }) });
      const called = await n.text();
      assert.equal(n.status, 200, called);
      assert.equal(JSON.parse(called).id, c.id);
      await pane.getByRole('button', { name: '再次叫号' }).click();
      await pane.locator('.case-msg', { hasText: '已有同事叫过' }).waitFor();
      assert.match(await pane.locator('.case-facts').innerText(), /1 次.*wang/s, 'redrawn: called once, by wang');
    } finally {
      await release();
    }
    const d = await (await fetch(`${k.url}/api/v1/display`)).json();
    assert.deepEqual(d.calls.filter((x) => x.ticket === c.ticket).map((x) => x.window), ['1'],
      'the screen sends the resident to one window');
    two.kp.assertClean('staff page');
  });

  // A review of a busy morning: a staffer called A005 to window 7 and
  // logged out (a shift change); A005 stood at a window nobody served, and
  // whoever logged in there next saw "1 次 · 10:05" and called another
  // resident to window 7. The queue says where and by whom, and 退出登录
  // asks first while a resident called by this staffer is not taken on.
  it('退出登录 with a resident called and not taken on asks first; the queue says where they went', async () => {
    const { page } = two.kp;
    const c = await labourCase(k.url);
    await page.evaluate(() => localStorage.setItem('spkiosk.window', '7'));
    await page.click('#call-next');
    await page.locator('#call-msg', { hasText: `请 ${c.ticket} 号到 7 号窗口` }).waitFor();
    const row = page.locator(`tr[data-id="${c.id}"]`).first();
    await poll(async () => assert.match(await row.innerText(), /1 次 · .*7 号窗口/s));
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await page.getByRole('button', { name: '退出登录' }).click();
    await poll(async () => assert.match(asked, new RegExp(`${c.ticket} 号（7 号窗口）还没有受理`)));
    assert.ok(await page.getByRole('button', { name: '退出登录' }).isVisible(), 'still logged in');
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.locator('#login-name').waitFor();
    // wang takes over the desk (window 7 stays the PC's): told of A005
    // before any 叫下一个号
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const here = page.locator('#at-window');
    await poll(async () => assert.match(await here.innerText(), new RegExp(`已叫到7 号窗口、还没有受理：${c.ticket} .*li`)));
    await here.getByRole('button', { name: new RegExp(`打开 ${c.ticket}`) }).click();
    await page.locator('.case-facts').filter({ hasText: '叫到 7 号窗口' }).waitFor();
    two.kp.assertClean('staff page, logged out and in again');
  });

  // The review after 转窗: the sender stayed the ticket's 叫号人, so their
  // 退出登录 asked about a resident now at another window, and the staffer
  // of the window the resident was sent to was asked nothing. The ticket
  // follows the transfer (the queue's `transferred`). Goes on from the
  // test above: wang logged in at this PC, 本窗口号 7.
  it('a ticket sent on (转窗) is asked about at the window it was sent to, not by its sender', async () => {
    const { page } = two.kp;
    await page.locator('#call-next').waitFor();
    const [wang, li] = [await login(k.url, 'wang', 'wang-password-1'), await login(k.url, 'li', 'li-password-12')];
    const move = async (s, c, what, body) => {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${what}`, {
        method: 'POST', headers: authHeaders(s), body: JSON.stringify(body) });
      assert.equal(r.status, 200, await r.text());
    };
    // wang called one to this window and sent it on to 5; li sent one here
    const away = await labourCase(k.url);
    await move(wang, away, 'call', { window: '7' });
    await move(wang, away, 'transfer', { window: '5' });
    const sent = await labourCase(k.url);
    await move(li, sent, 'call', { window: '3' });
    await move(li, sent, 'transfer', { window: '7' });
    // the page refreshes its queue when shown again: asked now, not at the
    // next 5 s poll (CI's time)
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    const here = page.locator('#at-window');
    await poll(async () => {
      const t = await here.innerText();
      assert.match(t, new RegExp(`${sent.ticket} \\d\\d:\\d\\d li 转来`));
      assert.doesNotMatch(t, new RegExp(away.ticket));
    }, { timeout: 10_000 });
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await page.getByRole('button', { name: '退出登录' }).click();
    await poll(async () => assert.match(asked, new RegExp(`${sent.ticket} 号（7 号窗口）（li 转来）`)));
    assert.doesNotMatch(asked, new RegExp(`${away.ticket} 号`), 'sent to window 5: not wang\'s to wait for');
    assert.ok(await page.getByRole('button', { name: '退出登录' }).isVisible(), 'still logged in');
    two.kp.assertClean('staff page, a ticket sent here');
  });
});
