// The slip of a case still waiting when the hall closed, printed or opened
// again the next morning (a resident's link, the slip's code): it said
// 请留意叫号 for a number that is never called again (today's numbers start
// over, 409 ticket_expired, and a resident today may hold the same one),
// while the resident's page for the same case says the number expired and
// offers 重新取号. It now says so too. The daemon's clock stands still
// (libfaketime) and is moved to the next morning.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  LIBFAKETIME, makeTmp, request, startDaemon, stopChecked, stoppedClockAtInstant, stoppedClockEnv, writeTree,
} from './helpers.mjs';

const NO_FAKETIME = fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime';
const TZ = 'Asia/Shanghai';
const PROC = '---\nversion: 2026-01-01\n---\n# 高龄津贴\n\n简介。\n\n## 第一步：准备\n- [ ] 身份证\n';

describe('the slip of an earlier day\'s ticket', { skip: NO_FAKETIME }, () => {
  let tmp, clock, d = null;
  const at = (iso) => stoppedClockAtInstant(clock, new Date(iso), TZ);
  const post = (p, body) => request(`${d.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  before(async () => {
    tmp = makeTmp();
    clock = path.join(tmp, 'clock');
    at('2026-12-07T16:50:00+08:00'); // a Monday, ten minutes before closing
    const tree = writeTree(path.join(tmp, 'p'), { 'a/README.md': '# 甲\n\n甲。\n', 'a/aid.md': PROC });
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db'), env: stoppedClockEnv(clock, TZ) });
  });
  after(() => stopChecked(d, tmp));

  it('the next morning says the number will not be called, and how to get today\'s', async () => {
    const c = await post('/api/v1/cases', { procedure: 'aid', channel: 'kiosk' });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    const s = await post(`/api/v1/cases/${c.body.id}/submit`);
    assert.equal(s.status, 200, s.text);
    let slip = await request(`${d.url}/print/cases/${c.body.id}`);
    assert.equal(slip.status, 200, slip.text);
    assert.match(slip.text, /前面没有人在等，请留意叫号/);
    assert.match(slip.text, /<footer><p>请留意叫号/);

    at('2026-12-08T09:00:00+08:00');
    const v = await request(`${d.url}/api/v1/cases/${c.body.id}`);
    assert.equal(v.body.status, 'waiting');
    assert.equal(v.body.ticket_expired, true, 'the resident\'s page calls it expired');
    slip = await request(`${d.url}/print/cases/${c.body.id}`);
    assert.equal(slip.status, 200, slip.text);
    assert.ok(slip.text.includes(s.body.ticket), 'the number still names the slip');
    assert.match(slip.text, /<p class="stands">这是以前取的号，今天不会再叫到/);
    assert.match(slip.text, /重新取号/);
    assert.doesNotMatch(slip.text, /<footer><p>请留意叫号/);
    assert.doesNotMatch(slip.text, /class="ahead"/);
    // the papers to bring still hold for the new number
    assert.match(slip.text, /请带上以下材料到综合窗口/);

    // a new number for the same case: the slip is today's again
    const again = await post(`/api/v1/cases/${c.body.id}/submit`);
    assert.equal(again.status, 200, again.text);
    slip = await request(`${d.url}/print/cases/${c.body.id}`);
    assert.doesNotMatch(slip.text, /今天不会再叫到/);
    assert.match(slip.text, /<footer><p>请留意叫号/);
  });
});
