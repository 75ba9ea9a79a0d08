// A home visit whose day went by with nobody recording it (the case still
// in `visit`): the resident's case said only the booked day, and the page
// went on promising 工作人员会在这个时段上门 for a day that had passed. The
// case's visit now says `past`, which the page words as a day gone by
// (tests/e2e/visit-past.test.mjs). The daemon's clock stands still
// (libfaketime) and is moved past the day.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  LIBFAKETIME, addUser, login, makeTmp, request, startDaemon, stopChecked, stoppedClockAtInstant,
  stoppedClockEnv, writeTree,
} from './helpers.mjs';

const NO_FAKETIME = fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime';
const TZ = 'Asia/Shanghai';
const PROC = '---\nversion: 2026-01-01\nvisit: yes\n---\n# 高龄津贴\n\n简介。\n\n## 第一步：准备\n- [ ] 身份证\n';

describe('a visit whose day went by', { skip: NO_FAKETIME }, () => {
  let tmp, clock, db, d = null;
  const at = (iso) => stoppedClockAtInstant(clock, new Date(iso), TZ);
  const post = (p, body) => request(`${d.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  before(async () => {
    tmp = makeTmp();
    clock = path.join(tmp, 'clock');
    at('2026-12-11T10:00:00+08:00'); // a Friday
    const tree = writeTree(path.join(tmp, 'p'), { 'a/README.md': '# 甲\n\n甲。\n', 'a/aid.md': PROC });
    db = path.join(tmp, 'x.db');
    d = await startDaemon({ tree, db, env: stoppedClockEnv(clock, TZ) });
    addUser(db, 'wang', 'staff', 'wang-password-1');
  });
  after(() => stopChecked(d, tmp));

  it('is past the day after, on the resident\'s case and the staff\'s', async () => {
    const c = await post('/api/v1/cases', { procedure: 'aid', channel: 'web' });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    const s = await post(`/api/v1/cases/${c.body.id}/submit`,
      { visit: { date: '2026-12-14', slot: '上午', address: '幸福路1号', phone: '13800138000' } });
    assert.equal(s.status, 200, s.text);
    const mine = async () => (await request(`${d.url}/api/v1/cases/${c.body.id}`)).body.visit;
    assert.deepEqual(await mine(), { date: '2026-12-14', slot: '上午', past: false });

    at('2026-12-14T16:00:00+08:00'); // the day itself: not past until it ends
    assert.equal((await mine()).past, false);

    at('2026-12-15T09:00:00+08:00');
    assert.deepEqual(await mine(), { date: '2026-12-14', slot: '上午', past: true });
    const staff = await login(d.url, 'wang', 'wang-password-1');
    const v = await request(`${d.url}/api/v1/staff/cases/${c.body.id}`, { headers: { Cookie: staff.cookie } });
    assert.equal(v.body.visit.past, true);
  });
});
