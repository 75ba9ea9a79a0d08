// The list's problems of the files that are not procedures (_calendar.md,
// _directory.md, a category's README.md): those files open in the console's
// editor too (其他文件), so each problem's FILE:LINE is a link to the editor
// at that line, as a procedure's errors are. They were plain text, and the
// admin had to find the file below the table and the line by hand.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, makeTmp, startDaemon, stopChecked } from '../api/helpers.mjs';
import { kioskPage, atRoute, poll, SAMPLE_TREE, LANDSCAPE, WEB_DIR, launchBrowser } from './helpers.mjs';

const PW = 'admin-pass-42';

const h = { daemon: null, browser: null, tmp: null, url: '', tree: '' };
let line = 0;
before(async () => {
  h.tmp = makeTmp('spkiosk-e2e-admin-problems-');
  h.tree = path.join(h.tmp, 'procedures');
  fs.cpSync(SAMPLE_TREE, h.tree, { recursive: true });
  // a date listed twice: an error of _calendar.md at the second one's line
  const cal = path.join(h.tree, '_calendar.md');
  const text = fs.readFileSync(cal, 'utf8');
  const first = text.split('\n').findIndex((l) => /^- \d{4}-\d\d-\d\d /.test(l));
  const lines = text.split('\n');
  lines.splice(first + 1, 0, lines[first]);
  fs.writeFileSync(cal, lines.join('\n'));
  line = first + 2;
  // a review date ten days on: the list's 30 天内要复核 (the sample's are months away)
  const kin = path.join(h.tree, 'certificates', 'kinship-certificate.md');
  const d = new Date(Date.now() + 10 * 86400_000);
  const soon = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  fs.writeFileSync(kin, fs.readFileSync(kin, 'utf8').replace(/^review_by: .*$/m, `review_by: ${soon}`));
  const db = path.join(h.tmp, 'e2e.db');
  h.daemon = await startDaemon({ tree: h.tree, db, args: WEB_DIR ? ['--web', path.resolve(WEB_DIR)] : [] });
  addUser(db, 'boss', 'admin', PW);
  h.url = h.daemon.url;
  h.browser = await launchBrowser();
});
after(async () => {
  try {
    if (h.browser) await h.browser.close();
  } finally {
    await stopChecked(h.daemon, h.tmp);
  }
});

describe('the problems of the other files', () => {
  let kp;
  let page;
  before(async () => {
    kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('a problem of _calendar.md links to its editor at that line', async () => {
    await page.goto(`${h.url}/admin`);
    await page.locator('#login-name').fill('boss');
    await page.locator('#login-pass').fill(PW);
    await page.locator('form.login-form button[type=submit]').click();
    const link = page.locator('#other-problems a', { hasText: `_calendar.md:${line}` });
    await link.waitFor();
    // said at the top too: it read 「所有事项文件都没有错误」 in green above a
    // broken file (a retired item's triage link, a walk)
    const summary = page.locator('#summary');
    assert.match(await summary.innerText(), /^✗?\s*_calendar\.md 有错误（见下面「分类说明和分诊文件的问题」）/);
    assert.equal(await summary.getAttribute('class'), 'msg-error');
    await atRoute(page, /^#\/edit\?special=_calendar&line=\d+$/, () => link.click());
    await poll(async () => assert.match(await page.locator('#cursor-pos').innerText(), new RegExp(`第 ${line} 行`)));
    const at = await page.locator('#src').evaluate((t) => t.value.slice(0, t.selectionStart).split('\n').length);
    assert.equal(at, line);
    // where a procedure has its preview: what the calendar does once saved,
    // and no link to the kiosk, which shows nothing of it (the editor sent
    // the admin there to look for the holidays)
    await poll(async () => assert.match(await page.locator('#special-note').innerText(),
      /^工作日日历没有预览，自助机上也不显示：保存后，新受理的办件按它计算/));
    assert.equal(await page.locator('#view-link a').count(), 0);
  });

  it('the review dates within 30 days have a filter of their own, and a count at the top', async () => {
    await page.evaluate(() => { location.hash = '#/'; });
    await page.locator('#filter').waitFor();
    await page.locator('#filter').selectOption('review-soon');
    const ids = await page.locator('table.proc-table tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.id));
    assert.ok(ids.includes('kinship-certificate'), ids.join(' '));
    assert.match(await page.locator('#summary').innerText(), new RegExp(`；${ids.length} 个 30 天内要复核`));
  });

  it('the posts\' editor says where the names show, and the directory\'s keeps its kiosk link', async () => {
    await page.evaluate(() => { location.hash = '#/edit?special=_posts'; });
    await poll(async () => assert.match(await page.locator('#special-note').innerText(),
      /^岗位文件没有预览，自助机上也不显示：保存后，工作人员页面的「我的待办」/));
    assert.equal(await page.locator('#view-link a').count(), 0);
    await page.evaluate(() => { location.hash = '#/edit?special=_directory'; });
    await poll(async () => assert.match(await page.locator('#special-note').innerText(), /^这个文件没有预览：保存后请在自助机页面查看/));
    assert.equal(await page.locator('#view-link a').getAttribute('href'), '/');
  });
});
