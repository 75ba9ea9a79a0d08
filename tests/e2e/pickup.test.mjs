// A pickup item (pickup: yes) on the staff page: once its chain is done it
// waits as 待领取 (ready), and the case's facts say who finished it and
// when; once handed out, who handed it out and when. The staff view has
// had ready_at, handed_at and handed_by all along; the page read
// completed_at alone, which a ready case does not have yet ("办结
// wang," with no time), and which a handout sets to its own time (the
// finisher's name beside the hand-out's time). Its history names the
// colleague a case was handed to (转交) as the rest of the page does.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, axeSerious, poll } from './helpers.mjs';
import { addUser, login, authHeaders, writeTree, userCmd } from '../api/helpers.mjs';
import { apiPost } from './labour-case.mjs';

const tree = writeTree(fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-e2e-pickup-')), {
  '_posts.md': '# 岗位\n\n- window 综合窗口（A岗）\n- civil 民政专干\n',
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/cert.md': '---\nversion: 2026-01-01\nphone: 0535-7654321\npickup: yes\n---\n# 证明开具\n\n简介。\n\n'
    + '## 办理流程\n说明。\n\n```chain\naccept | 受理 | window | 0\nissue | 制证 | civil | 2\n```\n\n'
    + '## 第一步：准备\n- [ ] 身份证\n',
});

const k = useKiosk({ tree });
const DESKTOP = { width: 1600, height: 1000 };
const hm = /\d{4}-\d\d-\d\d \d\d:\d\d/;

describe('a pickup item on the staff page', () => {
  let kp;
  let page;
  let id;

  before(async () => {
    const db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-22');
    assert.equal(userCmd(['display', 'wang', '王芳', '--db', db]).status, 0);
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'cert', channel: 'kiosk' });
    id = c.id;
    await apiPost(k.url, `/api/v1/cases/${id}/steps/0`, { checklist: { 's0-0': true } });
    await apiPost(k.url, `/api/v1/cases/${id}/submit`);
    const s = await login(k.url, 'li', 'li-password-22');
    const h = authHeaders(s);
    await apiPost(k.url, `/api/v1/staff/cases/${id}/accept`, {}, h);
    await apiPost(k.url, `/api/v1/staff/cases/${id}/assign`, { user: 'wang' }, h);
    await apiPost(k.url, `/api/v1/staff/cases/${id}/pass`, {}, h);
    const m = await apiPost(k.url, `/api/v1/staff/cases/${id}/complete`, { outcome: '证明已开具' }, h);
    assert.equal(m.status, 'ready');
    kp = await kioskPage(k, { viewport: DESKTOP, hasTouch: false });
    page = kp.page;
  });
  after(async () => {
    if (kp) await kp.context.close();
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('待领取: 办结 says who finished it and when', async () => {
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').waitFor();
    await page.locator('#case-key').fill(id);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: '居民已领取' }).waitFor();
    const facts = await page.locator('.case-facts').innerText();
    const done = /(?:^|\n)办结\s*\n(.*)/.exec(facts);
    assert.ok(done, facts);
    assert.match(done[1], /^li/);
    assert.match(done[1], hm, `the time of 办结: ${facts}`);
    assert.doesNotMatch(facts, /(^|\n)发放\s*\n/, 'not handed out yet');
  });

  it('the history names whom the case was handed to as the page names them', async () => {
    const rows = await page.locator('table.history tr').evaluateAll((trs) => trs
      .map((tr) => [...tr.cells].map((c) => c.textContent)).filter((c) => c[1] === '转交'));
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].at(-1), '王芳', 'the name colleagues know, as 负责人 gives it');
    assert.match(await page.locator('.case-facts').innerText(), /负责人\s*王芳/);
  });

  it('已领取: 发放 says who handed it out and when; 办结 keeps its own time', async () => {
    const before = /(?:^|\n)办结\s*\n(.*)/.exec(await page.locator('.case-facts').innerText())[1];
    // it cannot be undone, so it is asked first: 取消 leaves the case ready
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await page.getByRole('button', { name: '居民已领取' }).click();
    await poll(async () => assert.match(asked, /确认居民已经领取？请先核对居民的身份证件/));
    const still = await (await fetch(`${k.url}/api/v1/cases/${id}`)).json();
    assert.equal(still.status, 'ready', 'nothing sent when the staffer said 取消');
    assert.equal(await page.locator('.case-msg', { hasText: '已发放' }).count(), 0);
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: '居民已领取' }).click();
    await page.locator('.case-msg', { hasText: '已发放' }).waitFor();
    const facts = await page.locator('.case-facts').innerText();
    assert.equal(/(?:^|\n)办结\s*\n(.*)/.exec(facts)[1], before, facts);
    const out = /(?:^|\n)发放\s*\n(.*)/.exec(facts);
    assert.ok(out, facts);
    assert.match(out[1], /^王芳/);
    assert.match(out[1], hm);
    assert.deepEqual(await axeSerious(page), []);
    kp.assertClean('staff page');
  });
});
