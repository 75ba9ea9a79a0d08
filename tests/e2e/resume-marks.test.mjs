// The staff page marks a corrected case (returned for 补正, handed in
// again) that is past the dates it resumes to, as the day's report counts
// it: in 网上预审, in the queue's earlier tickets, in 上门服务 and on its own page,
// in words (not colour alone). Before, the lists said nothing of it and the
// case's page gave the dates stored before the return. The daemon's clock
// stands still (libfaketime), moved by day; the sample's 2026 国庆
// (10-01..10-07 休, Sat 10-10 班).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, axeSerious, openStaffCase } from './helpers.mjs';
import {
  LIBFAKETIME, SAMPLE_TREE, addUser, login, authHeaders, writeTree, makeTmp, rmTmp,
  stoppedClockAtInstant, stoppedClockEnv,
} from '../api/helpers.mjs';
import { apiPost } from './labour-case.mjs';

const NO_FAKETIME = fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime';
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

describe('a corrected case past its resumed dates on the staff page', { skip: NO_FAKETIME }, () => {
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
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => {
    if (kp) await kp.context.close();
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
