// The staff page's first focus: the ticket box, so that a scanner's code
// lands there — but not taken from a field the staffer is already typing
// in. The queue's first load used to end by focusing the ticket box
// whatever had the focus, so a window number typed while it loaded went on
// into the ticket box (a browser test of the evaluator failed so on a
// loaded machine). The queue is held here until the number is half typed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin } from './helpers.mjs';
import { addUser } from '../api/helpers.mjs';

const k = useKiosk();

describe('the staff page\'s first focus', () => {
  let kp;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('is the ticket box, unless the staffer is typing elsewhere when the queue arrives', async () => {
    const p = kp.page;
    let release;
    const held = new Promise((r) => { release = r; });
    let first = true;
    await p.route('**/api/v1/staff/queue', async (route) => {
      if (first) { first = false; await held; }
      await route.continue();
    });
    await staffLogin(p, k.url, 'wang', 'wang-password-1');
    await p.locator('#window-no').click();
    await p.keyboard.type('1');
    release();
    await p.locator('#queue-h', { hasText: '件' }).waitFor();
    await p.keyboard.type('2');
    assert.equal(await p.evaluate(() => document.activeElement.id), 'window-no');
    assert.equal(await p.locator('#window-no').inputValue(), '12');
    assert.equal(await p.locator('#case-key').inputValue(), '');
    await p.keyboard.press('Tab');
    await p.locator('#window-msg', { hasText: '已保存：叫号到 12 号窗口' }).waitFor();

    // nothing chosen by the staffer: the page starts in the ticket box
    await p.unroute('**/api/v1/staff/queue');
    await p.reload();
    await p.locator('#queue-h', { hasText: '件' }).waitFor();
    assert.equal(await p.evaluate(() => document.activeElement.id), 'case-key');
  });
});
