// 本事项已更新 (issue #11 point 6) in a desktop browser: a staffer has seen
// labour-handbook (their baseline), the file changes (a photo count), and
// at /staff the card says one procedure has an update; opening a case of
// it shows the notice with the changed step, the removed and added lines
// marked − and + in text; axe-core finds nothing serious; 我已阅读
// confirms (the card's count and the API agree) and the notice does not
// come back when the case is opened again. The daemon works on a copy of
// the sample library (the test writes a file).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { addUser, login, makeTmp, request, startDaemon, stopChecked } from '../api/helpers.mjs';
import { kioskPage, shot, poll, axeSerious, SAMPLE_TREE, WEB_DIR } from './helpers.mjs';
import { labourCase } from './labour-case.mjs';

const PW = 'wang-password-1';
const REL = 'employment/labour-handbook.md';
const OLD = '近期一寸白底免冠彩色照片 1 张';
const NEW = '近期一寸白底免冠彩色照片 2 张';
const DESKTOP = { width: 1600, height: 1000 };
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const h = { daemon: null, browser: null, tmp: null, url: '', tree: '' };
before(async () => {
  h.tmp = makeTmp('spkiosk-e2e-changes-');
  h.tree = path.join(h.tmp, 'procedures');
  fs.cpSync(SAMPLE_TREE, h.tree, { recursive: true });
  const db = path.join(h.tmp, 'e2e.db');
  h.daemon = await startDaemon({ tree: h.tree, db, args: WEB_DIR ? ['--web', path.resolve(WEB_DIR)] : [] });
  addUser(db, 'wang', 'staff', PW);
  h.url = h.daemon.url;
  h.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  try {
    if (h.browser) await h.browser.close();
  } finally {
    await stopChecked(h.daemon, h.tmp);
  }
});

describe('本事项已更新 in the staff case view', () => {
  let kp;
  let page;
  let c;
  let session;
  const changes = async () => (await request(`${h.url}/api/v1/staff/procedures/labour-handbook/changes`,
    { headers: { Cookie: session.cookie } })).body;

  before(async () => {
    session = await login(h.url, 'wang', PW);
    c = await labourCase(h.url);
    // the staffer's first look: the baseline, nothing to read yet
    const first = await changes();
    assert.equal(first.changed, false);
    const file = path.join(h.tree, REL);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes(OLD));
    fs.writeFileSync(file, text.replace(OLD, NEW));
    await poll(async () => assert.equal((await changes()).changed, true), { timeout: 8000 });
    kp = await kioskPage(h, { viewport: DESKTOP, hasTouch: false });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('the card counts it, the case shows what changed, 我已阅读 confirms', async () => {
    await page.goto(h.url + '/staff');
    await page.fill('#login-name', 'wang');
    await page.fill('#login-pass', PW);
    await page.click('.login-form button[type=submit]');
    await page.locator('#changes-count', { hasText: '1 个事项有更新' }).waitFor();
    await page.locator('#changes-list li', { hasText: '劳动' }).waitFor();

    await page.locator('#case-key').fill(c.ticket);
    await page.keyboard.press('Enter');
    await page.locator('#case-h', { hasText: c.ticket }).waitFor();
    const notice = page.locator('#case-pane .changes-notice');
    await notice.waitFor();
    assert.match(await notice.locator('h3').innerText(), /^本事项已更新/);
    // the changed step, its removed and added lines, marked in text
    const part = notice.locator('.diff-part-changed', { hasText: '准备材料' });
    await part.waitFor();
    const del = part.locator('.diff-del');
    const add = part.locator('.diff-add');
    assert.equal(await del.count(), 1);
    assert.equal(await add.count(), 1);
    assert.match(await del.textContent(), new RegExp(`^−删除：材料：${OLD}`));
    assert.match(await add.textContent(), new RegExp(`^\\+新增：材料：${NEW}`));
    assert.equal(await del.locator('.sr-only').innerText(), '删除：');
    assert.equal(await add.locator('.sr-only').innerText(), '新增：');
    // the parts that did not change are named only
    assert.ok(await notice.locator('.diff-part-same', { hasText: '填写登记表' }).count() === 1);
    assert.equal(await notice.locator('.diff-part-same .diff-lines').count(), 0);
    await shot(page, 'changes-notice');
    assert.deepEqual(await axeSerious(page), []);

    await notice.getByRole('button', { name: '我已阅读' }).click();
    await page.locator('#case-pane .msg-ok', { hasText: '已确认阅读' }).waitFor();
    assert.equal(await notice.count(), 0);
    await page.locator('#changes-count', { hasText: '没有未读的更新' }).waitFor();
    assert.equal((await changes()).changed, false);

    // opened again: no notice
    await page.locator('#case-key').fill(c.ticket);
    await page.keyboard.press('Enter');
    await page.locator('#case-h', { hasText: c.ticket }).waitFor();
    await page.locator('#case-pane article.step').first().waitFor();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await page.locator('#case-pane .changes-notice').count(), 0);
    kp.assertClean('staff case view with the changes notice');
  });
});
