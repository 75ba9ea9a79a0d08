// A slip scanned while the cursor is in 待领取's box (查找待领取的办件) on
// the staff page: the scanner types like a keyboard, then Enter, so the
// slip's QR (the kiosk's address of the case, or its bare id: print.c
// print_qr_payload) went into the box: 没有找到“https://…/#/case/…”, and
// no case opened. A slip's code there now opens the case as a scan
// anywhere else on the page does, and the box keeps what the staffer had
// typed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, poll } from './helpers.mjs';
import { addUser, login, request } from '../api/helpers.mjs';
import { readyCase, cnId } from './labour-case.mjs';

// the hall's address: the slips' QR holds the kiosk's address of the case
const PUBLIC = 'https://hall.example/kiosk';
const k = useKiosk({ args: ['--public-url', PUBLIC] });
const DESK = { viewport: { width: 1600, height: 1000 }, hasTouch: false };

let staff;

// The page's 待领取 once the queue has drawn it (its heading counts n).
async function readyDrawn(page, n) {
  await poll(async () => assert.match(await page.locator('#ready-h').innerText(), new RegExp(`待领取\\s*（${n} 件）`)),
    { timeout: 12_000 });
  return page.locator('#ready-toggle');
}

describe("a slip scanned into 待领取's box", () => {
  let pc;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'xiao', 'staff', 'xiao-password-1');
    staff = await login(k.url, 'xiao', 'xiao-password-1');
  });
  after(async () => {
    if (pc) {
      pc.assertClean('staff page');
      await pc.context.close();
    }
  });

  it('opens the case, as a scan anywhere else does; the box keeps what was typed', async () => {
    const zhang = await readyCase(k.url, staff, '张晓梅', '11010519491231002X');
    const li = await readyCase(k.url, staff, '李秀英', cnId('11010519500315002'));
    // what the slip's QR holds (print.c print_qr_payload)
    const printed = await request(`${k.url}/print/cases/${li.id}`);
    assert.equal(printed.status, 200);
    const payload = /data-payload="([^"]+)"/.exec(printed.text)?.[1];
    assert.equal(payload, `${PUBLIC}/#/case/${li.id}`);

    pc = await kioskPage(k, DESK);
    const { page } = pc;
    await staffLogin(page, k.url, 'xiao', 'xiao-password-1');
    const toggle = await readyDrawn(page, 2);
    if (await toggle.getAttribute('aria-expanded') !== 'true') await toggle.click();
    const box = page.locator('#ready-q');
    const ids = () => page.locator('#ready-list tbody tr[data-id]').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
    await poll(async () => assert.equal((await ids()).length, 2));

    // looking for 张晓梅 by her card's last four when 李秀英 hands over her slip
    await box.fill('002x');
    await poll(async () => assert.deepEqual(await ids(), [zhang.id]));
    await page.keyboard.type(payload, { delay: 2 });
    await page.keyboard.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: li.ticket }).waitFor();
    assert.equal(await box.inputValue(), '002x', 'the box holds what the staffer typed');
    await poll(async () => assert.deepEqual(await ids(), [zhang.id]));
    assert.equal(await page.locator('#ready-found').innerText(), '找到 1 件');

    // a hall without a public address prints the bare id; after digits
    // (most last fours), the code runs on from them
    await box.fill('0315');
    await box.focus();
    await page.keyboard.type(zhang.id, { delay: 2 });
    await page.keyboard.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: zhang.ticket }).waitFor();
    assert.equal(await box.inputValue(), '0315');

    // a slip this hall does not know: what the ticket box says to the same scan
    await box.fill('');
    await box.focus();
    const stranger = `${PUBLIC}/#/case/${'f'.repeat(32)}`;
    await page.keyboard.type(stranger, { delay: 2 });
    await page.keyboard.press('Enter');
    await poll(async () => assert.notEqual((await page.locator('#case-key-msg').innerText()).trim(), ''));
    const said = (await page.locator('#case-key-msg').innerText()).trim();
    assert.equal(await box.inputValue(), '');
    await page.locator('#case-key-msg').evaluate((e) => { e.textContent = ''; });
    await page.locator('#case-key').fill('');
    await page.locator('#case-key').focus();
    await page.keyboard.type(stranger, { delay: 2 });
    await page.keyboard.press('Enter');
    await poll(async () => assert.equal((await page.locator('#case-key-msg').innerText()).trim(), said));
    // the case on show stays
    assert.match(await page.locator('#case-pane #case-h').innerText(), new RegExp(zhang.ticket));
  });
});
