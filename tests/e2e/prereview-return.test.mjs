// 退回补正 of a web case in 网上预审: the resident is at home and reads the
// reason on the case page. The staff page opened the correction notice in a
// new tab for printing anyway (退回并打印补正告知单), a sheet for nobody at
// the window, one per case pre-reviewed (a staff review). It now says where
// the resident sees it, and 打印补正告知单 stays on the case for when one is
// wanted. A kiosk case's return still prints at once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin } from './helpers.mjs';
import { addUser, writeTree, makeTmp } from '../api/helpers.mjs';
import { apiPost } from './labour-case.mjs';

const tree = writeTree(makeTmp('spkiosk-e2e-preret-'), {
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/aid.md': '---\nversion: 2026-01-01\nphone: 0535-7654321\n---\n# 临时救助\n\n简介。\n\n'
    + '## 第一步：准备\n- [ ] 身份证 {#id_card}\n',
});
const k = useKiosk({ tree });

describe('a web case returned from pre-review', () => {
  let kp;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'zhao', 'staff', 'zhao-password-1');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => { if (kp) await kp.context.close(); });

  async function handIn(channel) {
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'aid', channel });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/0`, { checklist: { id_card: true } });
    return { id: c.id, ...(await apiPost(k.url, `/api/v1/cases/${c.id}/submit`, channel === 'web' ? { prereview: true } : {})) };
  }

  async function returnIt(page, id) {
    await page.locator('#case-key').fill(id);
    await page.keyboard.press('Enter');
    const pane = page.locator('#case-pane');
    await pane.getByRole('button', { name: '退回补正', exact: true }).click();
    await page.fill('#return-reason', '身份证照片看不清，请重新拍照上传');
    await page.check('#flag-item-id_card');
    await pane.locator('form button[type=submit]').click();
    await pane.locator('.case-facts', { hasText: '已退回补正' }).waitFor();
    return pane;
  }

  it('opens no notice to print, and says the resident reads it online', async () => {
    const { page, context } = kp;
    const c = await handIn('web');
    assert.equal(c.status, 'prereview');
    await staffLogin(page, k.url, 'zhao', 'zhao-password-1');
    await page.locator('#case-key').waitFor();
    const pane = await returnIt(page, c.id);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(context.pages().length, 1, 'no tab opened for printing');
    assert.match(await pane.locator('.case-msg').innerText(), /网上/);
    assert.equal(await pane.locator('#print-correction').count(), 1, '打印补正告知单 stays offered');
    kp.assertClean('staff page');
  });

  it('a kiosk case\'s return still opens the notice', async () => {
    const { page, context } = kp;
    const c = await handIn('kiosk');
    const popup = context.waitForEvent('page');
    await returnIt(page, c.id);
    const notice = await popup;
    assert.match(notice.url(), /\/print\/staff\/cases\/[0-9a-f]{32}\/correction$/);
    await notice.close();
  });

  // The review of 12-07: the resident of a case still in pre-review came
  // with the originals before being told to; the window had to 通知来大厅
  // for today first. 居民已在窗口，直接受理 takes it on at once, and the
  // history says how it came (tests/api/prereview.test.mjs, walk_in).
  it('a resident still in pre-review at the window: taken on at once, said in the history', async () => {
    const { page } = kp;
    const c = await handIn('web');
    await page.locator('#case-key').fill(c.id);
    await page.keyboard.press('Enter');
    const pane = page.locator('#case-pane');
    await pane.getByRole('button', { name: '居民已在窗口，直接受理' }).click();
    await pane.locator('.case-facts', { hasText: '已受理' }).waitFor();
    await pane.locator('td', { hasText: '网上预审中，居民未经通知来到窗口，直接受理' }).waitFor();
    kp.assertClean('staff page, a walk-in from pre-review');
  });
});
