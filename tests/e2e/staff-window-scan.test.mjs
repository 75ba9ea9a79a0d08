// A slip scanned while the focus is in 本窗口号 (the staffer has just typed
// the window's number there): the scanner's keys went into that box, its
// maxlength kept 8 of the code's characters, and the Enter saved them as
// the window, so the call screen announced 请 A017 号到 36A60D32 号窗口 from
// then on and the case did not open (a staff review). The box now knows a
// case code when one arrives: the window stays as it was and the case opens.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin } from './helpers.mjs';
import { addUser } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('a scan into the window number box', () => {
  let kp;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('keeps the window and opens the case', async () => {
    const { page } = kp;
    const c = await labourCase(k.url);
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').waitFor();
    await page.fill('#window-no', '3');
    await page.press('#window-no', 'Enter');
    await page.locator('#window-msg', { hasText: '已保存' }).waitFor();
    // the focus stays in the box; the resident hands over the slip
    await page.keyboard.type(c.id, { delay: 2 });
    await page.keyboard.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: c.ticket }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('spkiosk.window')), '3', 'the window kept');
    assert.equal(await page.inputValue('#window-no'), '3');
    kp.assertClean('staff page');
  });
});
