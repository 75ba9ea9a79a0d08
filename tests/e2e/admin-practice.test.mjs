// The admin console and practice files: the list shows the sample library's
// practice file as 练习题 with its scenarios in use, its 编辑 opens the
// editor on the practice file (not the procedure), a scenario broken in the
// editor shows its error with its line, and a fixed one saves. A procedure
// without a practice file offers 新建练习题: the editor opens on a scenario
// made from that procedure, which the check passes for every sample item
// and a trainee answers right by its first condition, and saving creates
// the file beside the procedure. axe-core runs on the
// list and the editor. Works on a copy of the sample library, in which every
// practice file but the labour handbook's is removed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, makeTmp, startDaemon, stopChecked, login, authHeaders } from '../api/helpers.mjs';
import { kioskPage, h1Text, poll, axeSerious, shot, SAMPLE_TREE, LANDSCAPE, WEB_DIR, launchBrowser } from './helpers.mjs';

const PW = 'admin-pass-42';
const NAME = 'labour-handbook.practice';
const REL = 'employment/labour-handbook.practice.md';

const h = { daemon: null, browser: null, tmp: null, url: '', tree: '' };
before(async () => {
  h.tmp = makeTmp('spkiosk-e2e-practice-');
  h.tree = path.join(h.tmp, 'procedures');
  fs.cpSync(SAMPLE_TREE, h.tree, { recursive: true });
  for (const cat of fs.readdirSync(h.tree)) {
    const dir = path.join(h.tree, cat);
    if (cat.startsWith('_') || !fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir))
      if (f.endsWith('.practice.md') && `${cat}/${f}` !== REL) fs.rmSync(path.join(dir, f));
  }
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

const onDisk = () => fs.readFileSync(path.join(h.tree, REL), 'utf8');

describe('practice files in the admin console', () => {
  let kp;
  let page;
  let original = '';
  const src = () => page.locator('#src');
  const checks = () => page.locator('#checks');

  before(async () => {
    kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
    page = kp.page;
    original = onDisk();
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('the list shows the practice file with its scenarios, without a kiosk link', async () => {
    await page.goto(`${h.url}/admin`);
    await page.locator('#login-name').fill('boss');
    await page.locator('#login-pass').fill(PW);
    await page.locator('form.login-form button[type=submit]').click();
    const row = page.locator(`tr[data-id="${NAME}"]`);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /练习题：labour-handbook/);
    assert.match(text, /5 个练习场景/);
    assert.match(text, /正常/);
    assert.equal(await row.locator('a', { hasText: '查看' }).count(), 0, 'not a page residents see');
    assert.deepEqual(await axeSerious(page), []);
  });

  it('编辑 opens the practice file; a broken scenario shows its error with the line', async () => {
    await page.locator(`tr[data-id="${NAME}"] a`, { hasText: '编辑' }).click();
    await src().waitFor();
    assert.equal(await h1Text(page), `编辑 ${REL}`);
    assert.equal(await src().inputValue(), original);
    await poll(async () => assert.match(await checks().innerText(), /没有发现问题|没有错误/));
    const line = original.slice(0, original.indexOf('expect = return residence_permit')).split('\n').length;
    await src().fill(original.replace('expect = return residence_permit', 'expect = return passport'));
    const err = page.locator('#checks li.error');
    await poll(async () => assert.match(await err.first().innerText(), new RegExp(`第 ${line} 行`)));
    assert.match(await err.first().innerText(), /passport/);
    await shot(page, 'admin-practice-error');
    assert.deepEqual(await axeSerious(page), []);
  });

  it('the fixed text saves', async () => {
    const fixed = original.replace('explain = 居住证须在有效期内', 'explain = 居住证必须在有效期内');
    await src().fill(fixed);
    await poll(async () => assert.match(await checks().innerText(), /没有发现问题|没有错误/));
    await page.locator('#save').click();
    await poll(async () => assert.match(await page.locator('#save-msg').innerText(), /练习模式现在用的就是这些场景/));
    assert.equal(onDisk(), fixed);
  });
});

describe('新建练习题 in the admin console', () => {
  let kp;
  let page;

  before(async () => {
    kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
    page = kp.page;
    await page.goto(`${h.url}/admin`);
    await page.locator('#login-name').fill('boss');
    await page.locator('#login-pass').fill(PW);
    await page.locator('form.login-form button[type=submit]').click();
    await page.locator(`tr[data-id="${NAME}"]`).waitFor();
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('every procedure without scenarios offers it, and its first text passes the check', async () => {
    const ids = await page.locator('a[data-new-practice]').evaluateAll((as) => as.map((a) => a.dataset.newPractice));
    assert.ok(ids.length >= 10, `procedures offered: ${ids}`);
    assert.ok(!ids.includes('labour-handbook'), 'it has a practice file');
    for (const id of ids) {
      await page.goto(`${h.url}/admin#/`);
      await page.locator(`a[data-new-practice="${id}"]`).click();
      await page.locator('#src').waitFor();
      assert.match(await h1Text(page), new RegExp(`^新建练习题：[a-z-]+/${id}\\.practice\\.md$`));
      assert.match(await page.locator('#src').inputValue(), /```case\n/, id);
      await poll(async () => assert.match(await page.locator('#checks').innerText(), /没有发现问题/, id));
    }
  });

  it('saving creates the file beside the procedure; the list then shows it as 练习题', async () => {
    await page.goto(`${h.url}/admin#/`);
    await page.locator('a[data-new-practice="residence-certificate"]').click();
    await page.locator('#src').waitFor();
    await poll(async () => assert.match(await page.locator('#checks').innerText(), /没有发现问题/));
    assert.deepEqual(await axeSerious(page), []);
    await page.locator('#save').click();
    await poll(async () => assert.match(await page.locator('#save-msg').innerText(), /练习模式现在用的就是这些场景/));
    const file = path.join(h.tree, 'certificates/residence-certificate.practice.md');
    assert.equal(fs.readFileSync(file, 'utf8'), await page.locator('#src').inputValue());
    assert.match(page.url(), /special=residence-certificate\.practice&file=/);
    await page.goto(`${h.url}/admin#/`);
    const row = page.locator('tr[data-id="residence-certificate.practice"]');
    await row.waitFor();
    assert.match(await row.innerText(), /1 个练习场景/);
    assert.equal(await page.locator('a[data-new-practice="residence-certificate"]').count(), 0);
    // and a trainee who refuses on the first condition is told right
    const s = await login(h.url, 'boss', PW);
    const started = await fetch(`${h.url}/api/v1/staff/practice/residence-certificate`,
      { method: 'POST', headers: authHeaders(s), body: '{}' });
    assert.equal(started.status, 201, await started.clone().text());
    const { id } = await started.json();
    const verdict = await fetch(`${h.url}/api/v1/staff/practice/${id}/answer`,
      { method: 'POST', headers: authHeaders(s), body: JSON.stringify({ decision: 'refuse', condition: 1 }) });
    assert.equal((await verdict.json()).correct, true);
  });

  it('谁能办什么 names the items with no practice file, each a link to write one', async () => {
    await page.goto(`${h.url}/admin/readiness`);
    const list = page.locator('#without-practice');
    await list.waitFor();
    const items = await list.locator('li a').allInnerTexts();
    // every procedure but the two with practice files (policy documents need none)
    const offered = await (async () => {
      await page.goto(`${h.url}/admin#/`);
      await page.locator('a[data-new-practice]').first().waitFor();
      return page.locator('a[data-new-practice]').count();
    })();
    assert.equal(items.length, offered, items.join('、'));
    assert.ok(!items.some((t) => /劳动手册|居住证明/.test(t)), 'not the items that have one');
    await page.goto(`${h.url}/admin/readiness`);
    assert.deepEqual(await axeSerious(page), []);
    await page.locator('#without-practice li a', { hasText: '低保' }).first().click();
    await page.locator('#src').waitFor();
    assert.match(await h1Text(page), /^新建练习题：[a-z-]+\/[a-z-]+\.practice\.md$/);
    assert.match(await page.locator('#src').inputValue(), /```case\n/);
  });
});
