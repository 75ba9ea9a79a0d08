// 「本事项于 X月X日 更新」 (issue #11, point 6): once a new version of a
// procedure goes live, its overview says so under the title, on the kiosk
// and on the website; a first version says nothing. And the admin console
// lists a version that waits for its `effective` date as 已排期.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, shot, axeSerious, h1Text, smallText, poll, LANDSCAPE } from './helpers.mjs';
import { addUser, makeTmp, rmTmp, writeTree } from '../api/helpers.mjs';

const proc = (title) => `---\nversion: 2026-01-01\n---\n# ${title}\n\n${title}的简介。\n\n## 第一步:准备\n- [ ] 身份证\n`;
const tmp = makeTmp('spkiosk-e2e-tree-');
const tree = writeTree(path.join(tmp, 'tree'), {
  'jobs/README.md': '# 就业\n\n就业创业。\n',
  'jobs/reg.md': proc('就业登记'),
});
const k = useKiosk({ tree });
after(() => rmTmp(tmp));

describe('the overview tells residents a procedure was updated', () => {
  let kp;
  before(async () => { kp = await kioskPage(k); });
  after(async () => { if (kp) await kp.context.close(); });

  it('a first version has no notice', async () => {
    await kp.page.goto(k.url + '/?kiosk=1#/p/reg');
    assert.equal(await h1Text(kp.page), '就业登记');
    assert.equal(await kp.page.locator('#main .updated-note').count(), 0);
  });

  it('after a new version: 「本事项于 M月D日 更新」 under the title, kiosk and website', async () => {
    fs.writeFileSync(path.join(tree, 'jobs/reg.md'), proc('就业登记（新）'));
    // the daemon's local date (same TZ as this process)
    const now = new Date();
    const want = `本事项于 ${now.getMonth() + 1}月${now.getDate()}日 更新`;
    await poll(async () => {
      const r = await fetch(k.url + '/api/v1/procedures/reg');
      assert.ok((await r.json()).updated, 'the new version is not live yet');
    });
    await kp.page.goto(k.url + '/?kiosk=1#/p/reg');
    await kp.page.reload();
    await kp.page.locator('#main h1', { hasText: '就业登记（新）' }).waitFor();
    const note = kp.page.locator('#main .updated-note');
    assert.equal(await note.innerText(), want);
    assert.ok(await kp.page.locator('#main h1 + .updated-note').count(), 'right under the title');
    assert.deepEqual(await axeSerious(kp.page), []);
    assert.deepEqual(await smallText(kp.page), [], 'kiosk text sizes');
    await shot(kp.page, 'overview-updated');

    const web = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: false, reuse: true });
    try {
      await web.page.goto(k.url + '/#/p/reg');
      await web.page.locator('#main h1', { hasText: '就业登记（新）' }).waitFor();
      assert.equal(await web.page.locator('#main .updated-note').innerText(), want);
      assert.deepEqual(await axeSerious(web.page), []);
      web.assertClean('website overview');
    } finally {
      await web.close();
    }
    kp.assertClean('kiosk overview');
  });
});

describe('the admin console shows a scheduled version', () => {
  it('已排期：DATE 生效 on the file, the live version beside it', async () => {
    const PW = 'admin-pass-42';
    addUser(path.join(k.tmp, 'e2e.db'), 'boss', 'admin', PW);
    // its review date copied from an older text: past on its first day
    writeTree(tree, { 'jobs/later.md': `---\neffective: 2099-01-01\nreview_by: 2098-06-30\n---\n# 以后的事项\n\n以后。\n\n## 第一步:准备\n- [ ] 身份证\n` });
    // the watcher's load has stored it (and left it unlisted)
    await poll(() => assert.match(k.daemon.stderr(), /1 versions scheduled/));
    assert.equal((await fetch(k.url + '/api/v1/procedures/later')).status, 404);
    const kp = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: false, reuse: true });
    try {
      const { page } = kp;
      await page.goto(`${k.url}/admin`);
      await page.locator('#login-name').fill('boss');
      await page.locator('#login-pass').fill(PW);
      await page.locator('form.login-form button[type=submit]').click();
      const row = page.locator('tr[data-id="later"]');
      assert.match(await row.innerText(), /已排期：2099-01-01 生效/);
      assert.match(await row.innerText(), /已排期 · 到期自动上线/);
      assert.match(await row.locator('th').innerText(), /以后的事项/, 'named by the waiting version');
      // the review date is the live version's (none here); the waiting
      // text's own is beside it, marked when it is past on that day
      assert.match(await row.locator('.review-next').innerText(),
        /^2099-01-01 起（新版本）：2098-06-30\s+新版本生效时已过复核日期$/);
      assert.equal(await row.getAttribute('data-state'), 'scheduled');
      assert.match(await page.locator('tr[data-id="reg"]').innerText(), /正常/);
      await shot(page, 'admin-scheduled');
      assert.deepEqual(await axeSerious(page), []);
      kp.assertClean('admin list');
      // the editor says its text waits for its date, and where the live one is
      await row.locator('a', { hasText: '编辑' }).click();
      const note = page.locator('#scheduled-note');
      await poll(async () => assert.match(await note.innerText(), /这个文件是 2099-01-01 生效的新版本.*这是新事项，在那之前居民在自助机上找不到它。$/));
      assert.doesNotMatch(await note.innerText(), /null/, 'no stray null (a UI review)');
      assert.equal(await note.locator('#withdraw').count(), 0, 'nothing to withdraw to');
      writeTree(tree, { 'jobs/reg.md': proc('就业登记（下一版）').replace('version: 2026-01-01\n', 'version: 2026-06-01\neffective: 2099-01-01\n') });
      // the second load that stored a waiting version: reg's
      await poll(() => assert.ok((k.daemon.stderr().match(/[1-9]\d* versions scheduled/g) || []).length >= 2));
      await page.goto(`${k.url}/admin#/edit?id=reg&file=jobs/reg.md`);
      await poll(async () => assert.match(await note.innerText(),
        /2099-01-01 生效的新版本（版本 2026-06-01）.*在那之前自助机继续显示在用的版本（版本 2026-01-01），在自助机页面查看在用的版本。/));
      assert.equal(await note.locator('a').getAttribute('href'), '/#/p/reg');
      assert.deepEqual(await axeSerious(page), []);
      // withdrawn from the console: the live text into the editor, saved back
      // (a policy-change review: there was no way to get that text)
      const cookie = async () => (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const regState = async () => (await (await fetch(`${k.url}/api/v1/admin/procedures`,
        { headers: { cookie: await cookie() } })).json()).procedures.find((p) => p.id === 'reg');
      const updated0 = (await (await fetch(`${k.url}/api/v1/procedures/reg`)).json()).updated;
      // asked first, saying the waiting text goes for good: cancelled, the
      // editor keeps it
      let asked = '';
      page.once('dialog', async (d) => { asked = d.message(); await d.dismiss(); });
      await note.locator('#withdraw').click();
      await poll(() => assert.match(asked, /^撤回并保存后，2099-01-01 生效的新版本就不在文件里了，管理后台里也取不回来。以后还要用它的话，请先点“取消”/));
      assert.match(await page.locator('#src').inputValue(), /下一版/);
      page.once('dialog', (d) => d.accept());
      await note.locator('#withdraw').click();
      await poll(async () => assert.doesNotMatch(await page.locator('#src').inputValue(), /下一版/));
      // said at the top, in place of the note that no longer holds
      assert.match(await note.innerText(), /^编辑框里现在是在用的版本的内容。点“保存”就撤回排期的新版本/);
      await page.locator('#save').click();
      await poll(async () => assert.equal(await page.locator('#save-msg').innerText(),
        '已撤回排期：文件恢复成在用的版本，自助机上没有任何变化'));
      await poll(async () => {
        const r = await regState();
        assert.deepEqual([r.state, r.scheduled], ['ok', null]);
      }, { timeout: 10_000 });
      // and the note of a waiting version is gone with it (a code review)
      await poll(async () => assert.equal(await note.innerText(), ''));
      assert.equal((await (await fetch(`${k.url}/api/v1/procedures/reg`)).json()).updated, updated0,
        'the live text back is no update');
      // a broken text on disk is not the waiting version: no such note
      writeTree(tree, { 'jobs/reg.md': '# 就业登记（坏了）\n\n没有步骤。\n' });
      await poll(async () => {
        const r = await (await fetch(`${k.url}/api/v1/admin/procedures`, { headers: { cookie: await page.context().cookies().then((cs) => cs.map((c) => `${c.name}=${c.value}`).join('; ')) } })).json();
        assert.equal(r.procedures.find((p) => p.id === 'reg').state, 'error_old_live');
      });
      // the list first, shown: two hash changes in a row can both reach
      // the page's router after the second, which then reads the editor's
      // own hash as already shown and keeps the old text (a loaded run)
      await page.goto(`${k.url}/admin#/`);
      await page.locator('tr[data-id="reg"]').waitFor();
      await page.goto(`${k.url}/admin#/edit?id=reg&file=jobs/reg.md`);
      await page.locator('#src').waitFor();
      await poll(async () => assert.match(await page.locator('#src').inputValue(), /坏了/));
      await page.locator('#scheduled-note[data-checked="true"]').waitFor({ state: 'attached' });
      assert.equal(await note.innerText(), '');
    } finally {
      await kp.close();
    }
  });
});

// The note above the text follows the editor's own saves: a save that
// schedules the text says so there, with 撤回排期, and one that moves the
// date says the new date (the note kept the date the editor was opened
// with, or said nothing, until the file was opened again).
describe('the editor\'s note of a waiting version follows its saves', () => {
  it('scheduled by a save, then moved to another date', async () => {
    const PW = 'admin-pass-43';
    addUser(path.join(k.tmp, 'e2e.db'), 'boss2', 'admin', PW);
    writeTree(tree, { 'jobs/move.md': proc('迁移登记') });
    const kp = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: false, reuse: true });
    try {
      const { page } = kp;
      await page.goto(`${k.url}/admin`);
      await page.locator('#login-name').fill('boss2');
      await page.locator('#login-pass').fill(PW);
      await page.locator('form.login-form button[type=submit]').click();
      await page.locator('tr[data-id="move"]').waitFor();
      await page.goto(`${k.url}/admin#/edit?id=move&file=jobs/move.md`);
      const src = page.locator('#src');
      const note = page.locator('#scheduled-note');
      await src.waitFor();
      await page.locator('#scheduled-note[data-checked="true"]').waitFor({ state: 'attached' });
      assert.equal(await note.innerText(), '', 'live: nothing waits');
      const text = await src.inputValue();
      await src.fill(text.replace('version: 2026-01-01\n', 'version: 2026-06-01\neffective: 2099-01-01\n')
        .replace('迁移登记的简介', '迁移登记的新简介'));
      await page.locator('#save').click();
      await poll(async () => assert.match(await page.locator('#save-msg').innerText(), /已保存并排期：2099-01-01 生效/));
      await poll(async () => assert.match(await note.innerText(), /这个文件是 2099-01-01 生效的新版本（版本 2026-06-01）/));
      assert.equal(await note.locator('#withdraw').count(), 1, '撤回排期 at hand');
      await src.fill((await src.inputValue()).replace('effective: 2099-01-01', 'effective: 2099-02-01'));
      // Ctrl+S with the focus outside the text (on the 撤回排期 button)
      // saves too, as the format guide promises, rather than opening the
      // browser's 网页另存为
      await note.locator('#withdraw').focus();
      await page.keyboard.press('Control+s');
      await poll(async () => assert.match(await page.locator('#save-msg').innerText(), /已保存并排期：2099-02-01 生效/));
      await poll(async () => assert.match(await note.innerText(), /这个文件是 2099-02-01 生效的新版本/));
      assert.doesNotMatch(await note.innerText(), /2099-01-01/);
      await shot(page, 'admin-scheduled-moved', { fullPage: false });
      // 只改在用版本 (tests/api/admin-live-fix.test.mjs): the live text in
      // the box, fixed and saved live, and the waiting text back in the box
      // and in the file, still waiting
      const waitingText = await src.inputValue();
      // its check is told it is a live fix: there the box 只改了错别字或措辞
      // applies, where a save of the file (which holds the waiting text)
      // ignores it, and the notice on practice passes says which
      const fixChecked = page.waitForRequest((r) => /\/api\/v1\/admin\/preview\?.*&live_fix=1/.test(r.url()),
        { timeout: 10_000 });
      await note.locator('#fix-live').click();
      await fixChecked;
      await poll(async () => assert.match(await src.inputValue(), /迁移登记的简介/));
      assert.doesNotMatch(await src.inputValue(), /effective/);
      assert.match(await note.innerText(), /编辑框里现在是在用的版本.*2099-02-01 生效的新版本原样留在文件里/);
      await src.fill((await src.inputValue()).replace('迁移登记的简介', '迁移登记的简介（改了错字）'));
      await page.locator('#save').click();
      await poll(async () => assert.match(await page.locator('#save-msg').innerText(), /在用的版本已改好并上线；排期的新版本原样保留/));
      await poll(async () => assert.equal(await src.inputValue(), waitingText));
      await poll(async () => assert.match(await note.innerText(), /这个文件是 2099-02-01 生效的新版本/));
      const served = await (await fetch(`${k.url}/api/v1/procedures/move`)).json();
      assert.match(served.summary_html, /改了错字/);
      assert.equal(fs.readFileSync(path.join(tree, 'jobs/move.md'), 'utf8'), waitingText);
      // someone else makes the file live (no date) on the server: the
      // text 重新载入文件 brings no longer waits, nor does the note say so
      writeTree(tree, { 'jobs/move.md': proc('迁移登记（服务器上改的）') });
      await poll(() => assert.match(k.daemon.stderr(), /迁移登记|move\.md|loaded/));
      await poll(async () => {
        const r = await (await fetch(`${k.url}/api/v1/procedures/move`)).json();
        assert.equal(r.title, '迁移登记（服务器上改的）');
      });
      await page.locator('#reload').click();
      await poll(async () => assert.match(await src.inputValue(), /服务器上改的/));
      await poll(async () => assert.equal(await note.innerText(), ''));
      kp.assertClean('editor');
    } finally {
      await kp.close();
    }
  });
});

// A waiting text that renames the item: the list keeps the file under the
// id it serves until the date, while the editor, once it saved the text,
// goes on under the new id. The note, its link and 撤回排期 go by the id
// the list serves: they were looked up under the new id, which has no
// live version (the note went, 撤回排期 said 没能读取在用的版本).
describe('a waiting text that renames the item', () => {
  it('keeps its note and 撤回排期 through a save', async () => {
    const PW = 'admin-pass-44';
    addUser(path.join(k.tmp, 'e2e.db'), 'boss3', 'admin', PW);
    writeTree(tree, { 'jobs/ren.md': proc('改名前') });
    await poll(async () => assert.equal((await fetch(`${k.url}/api/v1/procedures/ren`)).status, 200));
    const kp = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: false, reuse: true });
    try {
      const { page } = kp;
      page.on('dialog', (d) => d.accept());
      await page.goto(`${k.url}/admin`);
      await page.locator('#login-name').fill('boss3');
      await page.locator('#login-pass').fill(PW);
      await page.locator('form.login-form button[type=submit]').click();
      await page.locator('tr[data-id="ren"]').waitFor();
      await page.goto(`${k.url}/admin#/edit?id=ren&file=jobs/ren.md`);
      const src = page.locator('#src');
      const note = page.locator('#scheduled-note');
      await src.waitFor();
      await src.fill((await src.inputValue()).replace('version: 2026-01-01\n', 'version: 2026-06-01\nid: renamed\neffective: 2099-01-01\n')
        .replace('改名前的简介', '改名后的简介'));
      await page.locator('#save').click();
      await poll(async () => assert.match(await page.locator('#save-msg').innerText(), /已保存并排期：2099-01-01 生效/));
      await poll(async () => assert.match(await note.innerText(), /这个文件是 2099-01-01 生效的新版本/));
      assert.equal(await note.locator('a').getAttribute('href'), '/#/p/ren', 'the live one is under the old id');
      await note.locator('#withdraw').click();
      await poll(async () => assert.doesNotMatch(await src.inputValue(), /改名后/));
      assert.match(await src.inputValue(), /改名前的简介/);
      await page.locator('#save').click();
      await poll(async () => assert.equal(await page.locator('#save-msg').innerText(),
        '已撤回排期：文件恢复成在用的版本，自助机上没有任何变化'));
      kp.assertClean('editor');
    } finally {
      await kp.close();
    }
  });
});

// Ctrl+S pressed twice before the first save answered (a key held down
// repeats it): the second PUT went with the same If-Match, was 409, and
// its 文件在您打开之后被改过了 replaced the first one's 已保存 although the
// save had gone through. A save in flight takes no second one.
// The first PUT is held until both keystrokes are in: unheld, a quick
// answer on an idle machine let the second Ctrl+S start a new save with the
// new ETag (200, as it should), and CI once saw [200, 200].
describe('Ctrl+S twice in a row', () => {
  it('saves once and says so', async () => {
    const PW = 'admin-pass-45';
    addUser(path.join(k.tmp, 'e2e.db'), 'boss4', 'admin', PW);
    writeTree(tree, { 'jobs/twice.md': proc('两次保存') });
    await poll(async () => assert.equal((await fetch(`${k.url}/api/v1/procedures/twice`)).status, 200));
    const kp = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: false, reuse: true });
    try {
      const { page } = kp;
      await page.goto(`${k.url}/admin`);
      await page.locator('#login-name').fill('boss4');
      await page.locator('#login-pass').fill(PW);
      await page.locator('form.login-form button[type=submit]').click();
      await page.locator('tr[data-id="twice"]').waitFor();
      await page.goto(`${k.url}/admin#/edit?id=twice&file=jobs/twice.md`);
      const src = page.locator('#src');
      await src.waitFor();
      await src.fill((await src.inputValue()).replace('两次保存的简介', '两次保存的新简介'));
      const puts = [];
      let sent = 0;
      let release;
      const held = new Promise((r) => { release = r; });
      page.on('request', (r) => { if (r.method() === 'PUT') sent += 1; });
      page.on('response', (r) => { if (r.request().method() === 'PUT') puts.push(r.status()); });
      await page.route(/\/api\/v1\/admin\/procedures\/twice\/source/, async (route) => {
        if (route.request().method() === 'PUT') await held;
        await route.continue();
      });
      await src.focus();
      await page.keyboard.down('Control');
      await page.keyboard.press('s');
      await poll(async () => assert.equal(sent, 1, 'the first save is on its way'));
      await page.keyboard.press('s');
      await page.keyboard.up('Control');
      // a second save, had it started, would be on its way by now
      await page.evaluate(() => new Promise((r) => { setTimeout(r, 200); }));
      release();
      await poll(async () => assert.match(await page.locator('#save-msg').innerText(), /已保存并上线/));
      await new Promise((r) => setTimeout(r, 800));
      assert.match(await page.locator('#save-msg').innerText(), /已保存并上线/);
      assert.deepEqual(puts, [200]);
      assert.equal(sent, 1);
    } finally {
      await kp.close();
    }
  });
});

// 撤回排期 puts back the live version's bytes: its line ends and byte order
// mark, not those of the waiting text the file holds now. A live file saved
// on Windows (CRLF, a BOM) with a waiting text written LF (by an older
// console, or another editor): the withdrawal wrote the live text LF, a new
// version under another hash, where the console said 自助机上没有任何变化.
describe('撤回排期 writes the live version back as its bytes were', () => {
  it('CRLF and a BOM of the live version, under an LF waiting text', async () => {
    const PW = 'admin-pass-43';
    addUser(path.join(k.tmp, 'e2e.db'), 'boss5', 'admin', PW);
    const live = `\uFEFF${proc('换证登记').replace(/\n/g, '\r\n')}`;
    writeTree(tree, { 'jobs/swap.md': live });
    await poll(async () => assert.equal((await fetch(k.url + '/api/v1/procedures/swap')).status, 200));
    const kp = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: false, reuse: true });
    try {
      const { page } = kp;
      await page.goto(`${k.url}/admin`);
      await page.locator('#login-name').fill('boss5');
      await page.locator('#login-pass').fill(PW);
      await page.locator('form.login-form button[type=submit]').click();
      await page.locator('table.proc-table tbody tr').first().waitFor();
      writeTree(tree, { 'jobs/swap.md': proc('换证登记（下一版）').replace('version: 2026-01-01\n', 'version: 2026-06-01\neffective: 2099-01-01\n') });
      const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      await poll(async () => {
        const r = await (await fetch(`${k.url}/api/v1/admin/procedures`, { headers: { cookie } })).json();
        assert.equal(r.procedures.find((x) => x.id === 'swap').scheduled?.effective, '2099-01-01');
      });
      await page.goto(`${k.url}/admin#/edit?id=swap&file=jobs/swap.md`);
      const note = page.locator('#scheduled-note');
      await note.locator('#withdraw').waitFor();
      // asked first, saying the waiting text goes for good: cancelled, the
      // editor keeps it
      let asked = '';
      page.once('dialog', async (d) => { asked = d.message(); await d.dismiss(); });
      await note.locator('#withdraw').click();
      await poll(() => assert.match(asked, /^撤回并保存后，2099-01-01 生效的新版本就不在文件里了，管理后台里也取不回来。以后还要用它的话，请先点“取消”/));
      assert.match(await page.locator('#src').inputValue(), /下一版/);
      page.once('dialog', (d) => d.accept());
      await note.locator('#withdraw').click();
      await poll(async () => assert.doesNotMatch(await page.locator('#src').inputValue(), /下一版/));
      assert.ok(!(await page.locator('#src').inputValue()).startsWith('\uFEFF'), 'no BOM in the box');
      await page.locator('#save').click();
      await poll(async () => assert.equal(await page.locator('#save-msg').innerText(),
        '已撤回排期：文件恢复成在用的版本，自助机上没有任何变化'));
      assert.deepEqual(fs.readFileSync(path.join(tree, 'jobs/swap.md')), Buffer.from(live),
        'the live version\'s bytes');
      kp.assertClean('admin withdraw, CRLF live version');
    } finally {
      await kp.close();
    }
  });
});
