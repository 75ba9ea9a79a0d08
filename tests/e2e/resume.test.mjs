// A case returned while accepted (退回补正 after 受理) on the staff page: its
// chain's current stage is paused while the resident corrects it, and once
// the resident has handed it in again the stage says that it waits to be
// accepted again, not that the resident is still correcting it (the page
// said 暂停（退回补正中） beside the 受理 button of a case handed in again).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, axeSerious } from './helpers.mjs';
import { addUser, login, authHeaders, writeTree } from '../api/helpers.mjs';
import { apiPost } from './labour-case.mjs';

const tree = writeTree(fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-e2e-resume-')), {
  '_posts.md': '# 岗位\n\n- window 综合窗口（A岗）\n- civil 民政专干\n',
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/cert.md': '---\nversion: 2026-01-01\nphone: 0535-7654321\nvisit: yes\n---\n# 证明开具\n\n简介。\n\n'
    + '## 办理流程\n说明。\n\n```chain\naccept | 受理 | window | 0\nissue | 审核 | civil | 5\n```\n\n'
    + '## 第一步：准备\n- [ ] 身份证\n',
});

const k = useKiosk({ tree });
const DESKTOP = { width: 1600, height: 1000 };

describe('a case returned while accepted, on the staff page', () => {
  let kp;
  let page;
  let id;
  let h;

  before(async () => {
    const db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'cert', channel: 'kiosk' });
    id = c.id;
    await apiPost(k.url, `/api/v1/cases/${id}/steps/0`, { checklist: { 's0-0': true } });
    await apiPost(k.url, `/api/v1/cases/${id}/submit`);
    h = authHeaders(await login(k.url, 'wang', 'wang-password-1'));
    await apiPost(k.url, `/api/v1/staff/cases/${id}/accept`, {}, h);
    await apiPost(k.url, `/api/v1/staff/cases/${id}/pass`, {}, h);
    await apiPost(k.url, `/api/v1/staff/cases/${id}/return`, { reason: '复印件不清楚' }, h);
    kp = await kioskPage(k, { viewport: DESKTOP, hasTouch: false });
    page = kp.page;
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').waitFor();
  });
  after(async () => {
    if (kp) await kp.context.close();
    fs.rmSync(tree, { recursive: true, force: true });
  });

  // opens the case and waits for it drawn in status (its badge's words)
  const open = async (status) => {
    await page.locator('#case-key').fill(id);
    await page.keyboard.press('Enter');
    await page.locator('.case-facts', { hasText: status }).waitFor();
    return page.locator('#chain .current').innerText();
  };

  it('returned: the stage is paused while the resident corrects it', async () => {
    const stage = await open('退回补正');
    assert.match(stage, /审核/);
    assert.match(stage, /暂停（退回补正中）/);
  });

  it('handed in again: the stage waits to be accepted again', async () => {
    await apiPost(k.url, `/api/v1/cases/${id}/submit`);
    const stage = await open('等候中');
    assert.match(stage, /审核/);
    assert.doesNotMatch(stage, /退回补正中/, 'the resident has corrected it');
    assert.match(stage, /暂停（已补正，待再次受理）/);
    assert.equal(await page.getByRole('button', { name: '受理', exact: true }).isVisible(), true);
    assert.deepEqual(await axeSerious(page), []);
  });

  it('handed in again as a home visit: the stage waits to be accepted again there', async () => {
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'cert', channel: 'kiosk' });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true } });
    await apiPost(k.url, `/api/v1/cases/${c.id}/submit`);
    await apiPost(k.url, `/api/v1/staff/cases/${c.id}/accept`, {}, h);
    await apiPost(k.url, `/api/v1/staff/cases/${c.id}/return`, { reason: '复印件不清楚' }, h);
    const day = new Intl.DateTimeFormat('en-CA').format(new Date());
    await apiPost(k.url, `/api/v1/cases/${c.id}/submit`,
      { visit: { date: day, slot: '下午', address: '幸福路1号', phone: '13800138000' } });
    await page.locator('#case-key').fill(c.id);
    await page.keyboard.press('Enter');
    await page.locator('.case-facts', { hasText: '等待上门' }).waitFor();
    const stage = page.locator('#chain li', { hasText: '受理' }).first();
    assert.match(await stage.innerText(), /暂停（已补正，待再次受理）/, 'not a stage on its way, nor 退回补正中');
    // back to the first case for the next test
    await open('等候中');
  });

  // a stage of 0 days is done the same working day: 当天, as the receipt
  // and the kiosk say it, not "0 个工作日"
  it('a stage of 0 days reads 当天', async () => {
    const first = await page.locator('#chain li').first().innerText();
    assert.match(first, /受理 · 综合窗口（A岗） · 当天/, first);
    assert.doesNotMatch(first, /0 个工作日/);
  });

  it('accepted again: the stage is current', async () => {
    await page.getByRole('button', { name: '受理', exact: true }).click();
    await page.locator('.case-facts', { hasText: '已受理' }).waitFor();
    assert.match(await page.locator('#chain .current').innerText(), /当前环节/);
    // back at the 民政专干's stage it left: the window is told so, and to
    // send on the papers brought for the correction, not to press 办结 (a
    // newcomer passed such a case on with the papers still at the window)
    const said = await page.locator('#case-pane .case-msg').innerText();
    assert.match(said, /已再次受理 .*办件回到退回前的环节「审核」（民政专干）/, said);
    assert.match(said, /不用您点“办结”：请把居民补正交来的材料转给民政专干/, said);
    assert.match(said, /请重新打印受理回执交给居民/, said);
    kp.assertClean('staff page');
  });
});
