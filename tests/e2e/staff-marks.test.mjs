// What the staff page says of a case, in words: 代填 of the cases being
// filled in alone (办理中), the item's staff guidance in the 不予受理 form,
// 已超期 of a corrected case past its resumed dates. Each describe was a
// file of its own (named at its head) and keeps its own daemon and
// library (two of them a stopped clock); folded into one file to spare a
// test process per file (~1 s of a core each, CI's browser suite being
// CPU-bound).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, axeSerious, openStaffCase } from './helpers.mjs';
import {
  LIBFAKETIME, SAMPLE_TREE, addUser, login, authHeaders, writeTree, makeTmp, rmTmp,
  stoppedClockAtInstant, stoppedClockEnv, stoppedClockFor,
} from '../api/helpers.mjs';
import { apiPost } from './labour-case.mjs';

// resume-marks' skip, read where its describe is declared
const NO_FAKETIME = fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime';

// ── was in-progress.test.mjs
// 办理中 on the staff page lists the accepted cases, then the cases a
// staffer started at the window and has not handed in (窗口代填). An
// accepted case without a ticket (accepted at the home by the B post, or a
// web case invited to the hall after pre-review) is not one being filled
// in at the window: it was labelled 代填 (and read to a screen reader as
// 窗口代填) like those.
describe('办理中 on the staff page', () => {
  const tree = writeTree(fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-e2e-progress-')), {
    '_posts.md': '# 岗位\n\n- window 综合窗口（A岗）\n- visit 上门服务（B岗）\n',
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/aid.md': '---\nversion: 2026-01-01\nphone: 0535-7654321\nvisit: yes\ntime_limit: 5个工作日\n---\n'
      + '# 高龄津贴\n\n简介。\n\n## 第一步：准备\n- [ ] 身份证\n',
    'alpha/plain.md': '---\nversion: 2026-01-01\nphone: 0535-7654321\n---\n# 普通证明\n\n简介。\n\n'
      + '## 第一步：准备\n- [ ] 身份证\n',
  });

  // The daemon's clock stands still at the instant this file was loaded: the
  // visit dated today below is for its today. On a running clock a visit
  // dated just before midnight in Beijing and checked just after it is
  // refused as past (a window of the request's few milliseconds; not tripped
  // when forced, fixed as its like in visit-redate, now in workdays.test.mjs).
  const NOW = new Date();
  const k = useKiosk({ tree, env: stoppedClockFor(NOW, 'Asia/Shanghai') });
  const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(NOW);
  const today = () => TODAY;

  let kp;
  const ids = {};

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    const h = authHeaders(await login(k.url, 'wang', 'wang-password-1'));
    // accepted at the home
    const v = await apiPost(k.url, '/api/v1/cases', { procedure: 'aid', channel: 'kiosk' });
    ids.visit = v.id;
    await apiPost(k.url, `/api/v1/cases/${v.id}/steps/0`, { checklist: { 's0-0': true } });
    await apiPost(k.url, `/api/v1/cases/${v.id}/submit`,
      { visit: { date: today(), slot: '上午', address: '幸福路1号', phone: '13800138000' } });
    await apiPost(k.url, `/api/v1/staff/cases/${v.id}/visit`, { result: 'handled' }, h);
    // a kiosk case with its ticket, accepted at the window
    const t = await apiPost(k.url, '/api/v1/cases', { procedure: 'plain', channel: 'kiosk' });
    ids.ticket = t.id;
    await apiPost(k.url, `/api/v1/cases/${t.id}/steps/0`, { checklist: { 's0-0': true } });
    ids.number = (await apiPost(k.url, `/api/v1/cases/${t.id}/submit`)).ticket;
    await apiPost(k.url, `/api/v1/staff/cases/${t.id}/accept`, {}, h);
    // started at the window, still being filled in
    ids.filling = (await apiPost(k.url, '/api/v1/staff/cases', { procedure: 'plain' }, h)).id;
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => {
    if (kp) await kp.close();
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('says 代填 of the cases being filled in alone', async () => {
    const { page } = kp;
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const rows = page.locator('#in-progress tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('#in-progress tbody tr button').length === 3);
    const seen = await rows.evaluateAll((trs) => trs.map((tr) => {
      const b = tr.querySelector('button');
      return { label: b.textContent, aria: b.getAttribute('aria-label'), title: tr.cells[1].textContent };
    }));
    const filling = seen.filter((r) => r.label === '代填');
    assert.equal(filling.length, 1, JSON.stringify(seen));
    assert.equal(filling[0].title, '普通证明');
    assert.match(filling[0].aria, /窗口代填/);
    assert.ok(seen.some((r) => r.label === ids.number), JSON.stringify(seen));
    const home = seen.filter((r) => r.title === '高龄津贴');
    assert.equal(home.length, 1, JSON.stringify(seen));
    assert.doesNotMatch(home[0].label + home[0].aria, /代填/, JSON.stringify(home));
    // and it opens the case, not the window's fill-in form
    await rows.filter({ hasText: '高龄津贴' }).locator('button').click();
    await page.locator('.case-facts', { hasText: '已受理' }).waitFor();
    assert.deepEqual(await axeSerious(page), []);
    kp.assertClean('staff page');
  });
});

// ── was refuse-guidance.test.mjs
// 不予受理 on the staff page shows the item's staff guidance ({staff}) in its
// form. 低保's says the window never refuses on income (入户调查 and the
// economic check decide, 窗口不当场说「不符合」); the form offered the income
// condition to refuse on, and the guidance sat far below in the steps, so a
// newcomer refused a resident the rules say must be taken on.
describe('不予受理 shows the item\'s staff guidance', () => {
  const k = useKiosk();

  let kp, page;
  const json = async (p, body) => {
    const r = await fetch(k.url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const t = await r.text();
    assert.ok(r.ok, `${p}: ${r.status} ${t}`);
    return JSON.parse(t);
  };

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'xiao', 'staff', 'xiao-password-1');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
    page = kp.page;
    await staffLogin(page, k.url, 'xiao', 'xiao-password-1');
  });
  after(async () => {
    if (kp) {
      kp.assertClean('refuse guidance');
      await kp.close();
    }
  });

  async function handedIn(procedure, conditions, body) {
    const id = (await json('/api/v1/cases', { procedure, channel: 'kiosk' })).id;
    await json(`/api/v1/cases/${id}/conditions`, { confirmed: conditions });
    return (await json(`/api/v1/cases/${id}/steps/0/incomplete`, body)).ticket;
  }

  it('低保: the income rule is in the refusal form', async () => {
    const ticket = await handedIn('minimum-living-allowance', [true, true, true, true],
      { checklist: { id_card: true, hukou_books: true, income_proof: false }, fields: { proxy: 'no' } });
    const pane = await openStaffCase(page, ticket);
    await pane.getByRole('button', { name: '不予受理' }).click();
    const form = pane.locator('form', { has: page.locator('#refuse-reason') });
    const g = await form.locator('#refuse-guidance').innerText();
    assert.match(g, /不予受理前请先看本事项的窗口提示/);
    assert.match(g, /窗口不当场说「不符合」/);
    assert.match(g, /户口簿上的人数/);
  });
});

// ── was resume-marks.test.mjs
// The staff page marks a corrected case (returned for 补正, handed in
// again) that is past the dates it resumes to, as the day's report counts
// it: in 网上预审, in the queue's earlier tickets, in 上门服务 and on its own page,
// in words (not colour alone). Before, the lists said nothing of it and the
// case's page gave the dates stored before the return. The daemon's clock
// stands still (libfaketime), moved by day; the sample's 2026 国庆
// (10-01..10-07 休, Sat 10-10 班).
describe('a corrected case past its resumed dates on the staff page', { skip: NO_FAKETIME }, () => {
  const TZ = 'Asia/Shanghai';
  const dir = makeTmp('spkiosk-e2e-resume-');
  const clock = path.join(dir, 'clock');
  stoppedClockAtInstant(clock, new Date('2026-09-30T09:00:00+08:00'), TZ);
  const tree = writeTree(path.join(dir, 'p'), {
    '_posts.md': '# 岗位\n\n- window 综合窗口（A岗）\n- civil 民政专干\n',
    '_calendar.md': fs.readFileSync(path.join(SAMPLE_TREE, '_calendar.md'), 'utf8'),
    'a/README.md': '# 甲\n\n甲。\n',
    'a/aid.md': '---\nversion: 2026-01-01\nvisit: yes\n---\n# 补贴\n\n简介。\n\n## 办理流程\n流程。\n\n'
      + '```chain\nzero | 初审 | window | 0\none  | 复核 | window | 1\nten  | 审批 | civil  | 10\n```\n\n'
      + '## 第一步：准备\n- [ ] 身份证\n',
  });
  const k = useKiosk({ tree, env: stoppedClockEnv(clock, TZ) });

  let kp, h;
  const ids = {};
  const at = async (iso) => {
    stoppedClockAtInstant(clock, new Date(iso), TZ);
    h = authHeaders(await login(k.url, 'wang', 'wang-password-1'));
  };
  const start = async () => {
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'aid', channel: 'web' });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true } });
    return c.id;
  };

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    await at('2026-09-30T09:00:00+08:00');
    // accepted 09-30 (promise 10-21), zero passed, returned the same day
    for (const which of ['pre', 'queue', 'home']) {
      ids[which] = await start();
      await apiPost(k.url, `/api/v1/cases/${ids[which]}/submit`);
      await apiPost(k.url, `/api/v1/staff/cases/${ids[which]}/accept`, {}, h);
      await apiPost(k.url, `/api/v1/staff/cases/${ids[which]}/pass`, { note: '初审通过' }, h);
      await apiPost(k.url, `/api/v1/staff/cases/${ids[which]}/return`, { reason: '复印件不清楚' }, h);
    }
    // handed in again on 10-08: from home for pre-review, and with a
    // ticket; both resume to 10-09 and the promise to 10-22
    await at('2026-10-08T10:00:00+08:00');
    await apiPost(k.url, `/api/v1/cases/${ids.pre}/submit`, { prereview: true });
    ids.ticket = (await apiPost(k.url, `/api/v1/cases/${ids.queue}/submit`)).ticket;
    // and one whose resident asks for a home visit on Sat 10-10 (班)
    await apiPost(k.url, `/api/v1/cases/${ids.home}/submit`,
      { visit: { date: '2026-10-10', slot: '上午', address: '幸福路1号', phone: '13800138000' } });
    // Sat 10-10 (班): nobody took either up
    await at('2026-10-10T09:00:00+08:00');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => {
    if (kp) await kp.close();
    rmTmp(dir);
  });

  it('says 已超期 of it in 网上预审, in the queue, in 上门服务 and on its page', async () => {
    const { page } = kp;
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const pre = page.locator(`#prereview tr[data-id="${ids.pre}"] .tag-resume`);
    await pre.waitFor();
    assert.equal(await pre.textContent(), '补正件 · 已超期：本环节 10月9日 到期');
    const queued = page.locator(`#queue tr[data-id="${ids.queue}"] .tag-resume`);
    await queued.waitFor();
    assert.equal(await queued.textContent(), '补正件 · 已超期：本环节 10月9日 到期');
    // by its id: an earlier day's number opens today's
    const home = page.locator('#visits li', { has: page.locator(`button[data-id="${ids.home}"]`) }).locator('.tag-resume');
    await home.waitFor();
    assert.equal(await home.textContent(), '补正件 · 已超期：本环节 10月9日 到期，承诺 10月22日 前办结');
    const pane = await openStaffCase(page, ids.queue, ids.ticket);
    const current = pane.locator('#chain li.current');
    assert.match(await current.textContent(), /到期 10月9日.*暂停（已补正，待再次受理）.*已超期/);
    assert.match(await pane.locator('#chain-h').textContent(), /承诺 10月22日 前办结/);
    assert.match(await pane.locator('.case-facts').textContent(), /承诺办结10月22日前（补正用去的工作日已顺延）/);
    assert.deepEqual(await axeSerious(page), []);
  });
});
