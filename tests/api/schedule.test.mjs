// Scheduled versions (issue #11, point 6): a good file whose `effective`
// date is after the hall's local today is stored but not made live; it
// goes live by itself on that day, without the file changing; a live
// version that replaced an earlier one carries "updated" (the local date)
// for residents.
//
// The midnight test moves no clock: the daemon runs with a POSIX TZ whose
// offset (seconds included) puts its local time some seconds before
// midnight, and the test waits for midnight to pass.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  addUser, assertError, authHeaders, getJSON, login, makeTmp, request, sleep, startDaemon, stopChecked, writeTree,
  stoppedClockFor,
} from './helpers.mjs';
import { PW, entry, eventually, file, get, list, proc, putSource, sha256 } from './admin-helpers.mjs';

const README = '# 就业\n\n就业创业。\n';
const FAR = '2099-01-01';
const FARTHER = '2099-06-01';
const dated = (title, effective) => proc(title, { front: `effective: ${effective}\n` });

// The daemons of the first two describes run in UTC, their clock standing
// still at the instant this file was loaded: their today is this for the
// whole run. On a running clock an edit saved just before midnight was
// "updated" on a day the test took just after it (forced: '2026-12-06'
// against '2026-12-07'). Without libfaketime they run on the real clock
// and may fail so.
const NOW = new Date();
const utcToday = () => NOW.toISOString().slice(0, 10);
const STOPPED = { ...stoppedClockFor(NOW, 'UTC'), TZ: 'UTC0' };

async function procedure(h, id) {
  return request(`${h.daemon.url}/api/v1/procedures/${id}`);
}

describe('scheduled versions', () => {
  const h = { daemon: null, tmp: null, tree: null, admin: null };
  const v1 = proc('就业登记');
  before(async () => {
    h.tmp = makeTmp();
    h.tree = writeTree(path.join(h.tmp, 'tree'), { 'jobs/README.md': README, 'jobs/reg.md': v1 });
    const db = path.join(h.tmp, 'x.db');
    h.daemon = await startDaemon({ tree: h.tree, db, env: STOPPED });
    addUser(db, 'boss', 'admin', PW);
    h.admin = await login(h.daemon.url, 'boss', PW);
  });
  after(() => stopChecked(h.daemon, h.tmp));

  it('a first version is live and carries no "updated"', async () => {
    const r = await procedure(h, 'reg');
    assert.equal(r.status, 200);
    assert.equal(r.body.title, '就业登记');
    assert.equal('updated' in r.body, false);
    const e = entry(await list(h), 'reg');
    assert.equal(e.state, 'ok');
    assert.equal(e.scheduled, null);
  });

  it('a version for a later date is stored, not live: the old one is served', async () => {
    const v2 = dated('就业登记（新版）', FAR);
    const r = await putSource(h, 'reg', v2, { 'If-Match': `"${sha256(v1)}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.live, false);
    assert.equal(r.body.scheduled, FAR);
    const p = await procedure(h, 'reg');
    assert.equal(p.body.title, '就业登记');
    assert.equal('updated' in p.body, false);
    const s = await getJSON(`${h.daemon.url}/api/v1/procedures?q=${encodeURIComponent('新版')}`);
    assert.deepEqual(s.procedures.map((x) => x.id), [], 'the waiting text is not searchable yet');
    const e = entry(await list(h), 'reg');
    assert.equal(e.state, 'scheduled');
    assert.equal(e.live.hash, sha256(v1));
    assert.deepEqual(e.scheduled, { hash: sha256(v2), version: null, title: '就业登记（新版）', effective: FAR,
      review_by: null });
    assert.equal(e.file_hash, sha256(v2));
  });

  // The row's review_by is the live version's (the contract's; residents
  // read that text until the date); the waiting text's own review date,
  // which takes over on that day, is the scheduled member's (ours): a date
  // copied from the old text is past before the new one goes live.
  it('the list gives the waiting text\'s review date beside the live one\'s', async () => {
    const v2 = dated('就业登记（新版）', FAR);
    const reviewed = proc('就业登记（新版）', { front: `effective: ${FAR}\nreview_by: 2098-12-31\n` });
    const r = await putSource(h, 'reg', reviewed, { 'If-Match': `"${sha256(v2)}"` });
    assert.equal(r.status, 200, r.text);
    const e = entry(await list(h), 'reg');
    assert.equal(e.review_by, null, 'the live version has none');
    assert.equal(e.review_overdue, false);
    assert.equal(e.scheduled.review_by, '2098-12-31');
    assert.equal(e.scheduled.effective, FAR);
    const back = await putSource(h, 'reg', v2, { 'If-Match': `"${sha256(reviewed)}"` });
    assert.equal(back.status, 200, back.text);
    assert.equal(entry(await list(h), 'reg').scheduled.review_by, null);
  });

  it('the file edited again before its date replaces the schedule', async () => {
    const v2 = dated('就业登记（新版）', FAR);
    const v3 = dated('就业登记（再改）', FARTHER);
    const r = await putSource(h, 'reg', v3, { 'If-Match': `"${sha256(v2)}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.scheduled, FARTHER);
    const e = entry(await list(h), 'reg');
    assert.deepEqual(e.scheduled, { hash: sha256(v3), version: null, title: '就业登记（再改）', effective: FARTHER,
      review_by: null });
    assert.equal(e.live.hash, sha256(v1));
    assert.equal((await procedure(h, 'reg')).body.title, '就业登记');
  });

  // the console's 撤回排期 (a policy-change review: the live text could not
  // be had from it): ?version=live gives the live version's stored text
  it('?version=live gives the live version\'s text while another waits', async () => {
    const src = (q) => get(h, `/api/v1/admin/procedures/reg/source${q}`);
    const live = await src('?version=live');
    assert.equal(live.status, 200, live.text);
    assert.equal(live.text, v1);
    assert.equal(live.headers.get('etag'), `"${sha256(v1)}"`);
    assert.match(live.headers.get('content-type'), /^text\/markdown/);
    assert.equal((await src('')).text, dated('就业登记（再改）', FARTHER), 'the file holds the waiting text');
    // the whole word: what merely starts with it is another version too
    for (const q of ['?version=old', '?version=lives', '?version='])
      assertError(await src(q), 400, 'bad_request', q);
    assertError(await get(h, '/api/v1/admin/procedures/nope/source?version=live'), 404, 'no_live_version');
    assertError(await get(h, '/api/v1/admin/procedures/reg/source?version=live', null), 401, 'not_logged_in');
  });

  it('an edit dated today goes live at once, drops the schedule, and is "updated" today', async () => {
    const v3 = dated('就业登记（再改）', FARTHER);
    const v4 = dated('就业登记（今日版）', utcToday());
    const r = await putSource(h, 'reg', v4, { 'If-Match': `"${sha256(v3)}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.live, true);
    assert.equal('scheduled' in r.body, false);
    const p = await procedure(h, 'reg');
    assert.equal(p.body.title, '就业登记（今日版）');
    assert.equal(p.body.updated, utcToday());
    assert.match(p.headers.get('etag'), new RegExp(`-u${utcToday().replaceAll('-', '')}"$`),
      'a cached copy without the notice is not confirmed');
    const l = await getJSON(`${h.daemon.url}/api/v1/procedures`);
    assert.equal(l.procedures.find((x) => x.id === 'reg').updated, utcToday());
    const e = entry(await list(h), 'reg');
    assert.equal(e.state, 'ok');
    assert.equal(e.scheduled, null);
  });

  it('a brand-new procedure for a later date is 404 until then; the list shows it', async () => {
    const text = dated('灵活就业登记', FAR);
    const r = await putSource(h, 'flex', text, { 'If-None-Match': '*' }, { query: '?category=jobs' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.live, false);
    assert.equal(r.body.scheduled, FAR);
    assert.equal((await procedure(h, 'flex')).status, 404);
    const e = entry(await list(h), 'flex');
    assert.equal(e.state, 'scheduled');
    assert.equal(e.live, null);
    assert.equal(e.scheduled.effective, FAR);
  });

  it('a scheduled file that is deleted leaves no schedule behind', async () => {
    fs.unlinkSync(file(h, 'jobs/flex.md'));
    await eventually(h, async () => !entry(await list(h), 'flex'), 'flex gone from the list');
    assert.equal((await procedure(h, 'flex')).status, 404);
  });
});

// A TZ whose local time is `before` seconds short of midnight now:
// "<XXX>-HH:MM:SS" is a complete POSIX TZ (XXX is its quoted name, any
// three letters) that is UTC plus that much (glibc takes hours up to 24).
function tzBeforeMidnight(before) {
  const now = Date.now();
  const utcSec = Math.floor(now / 1000) % 86400;
  const off = (((86400 - before - utcSec) % 86400) + 86400) % 86400;
  const p = (n) => String(n).padStart(2, '0');
  const tz = `<XXX>-${p(Math.floor(off / 3600))}:${p(Math.floor(off / 60) % 60)}:${p(off % 60)}`;
  const localMs = (ms) => ms + off * 1000;
  return {
    tz,
    today: new Date(localMs(now)).toISOString().slice(0, 10),
    tomorrow: new Date(localMs(now) + 86400_000).toISOString().slice(0, 10),
    midnight: now + before * 1000 - (now % 1000),
  };
}

// "updated" tells residents the item changed: a save that changes nothing
// they would read (a final newline, a blank line, the review date moved on
// after the policy was checked) is a new version, not an update.
describe('"updated" only for what a resident reads', () => {
  const h = { daemon: null, tmp: null, tree: null, admin: null };
  const base = proc('低保申请', { front: 'review_by: 2027-06-30\n' });
  before(async () => {
    h.tmp = makeTmp();
    h.tree = writeTree(path.join(h.tmp, 'tree'), { 'jobs/README.md': README, 'jobs/aid.md': base });
    const db = path.join(h.tmp, 'x.db');
    h.daemon = await startDaemon({ tree: h.tree, db, env: STOPPED });
    addUser(db, 'boss', 'admin', PW);
    h.admin = await login(h.daemon.url, 'boss', PW);
  });
  after(() => stopChecked(h.daemon, h.tmp));

  async function save(from, to) {
    const r = await putSource(h, 'aid', to, { 'If-Match': `"${sha256(from)}"` });
    assert.equal(r.status, 200, r.text);
    const p = await procedure(h, 'aid');
    assert.equal(p.body.hash, sha256(to), 'the new text is live');
    return p.body;
  }

  it('a final newline, a blank line or a later review date: a new version, no notice', async () => {
    const nl = `${base}\n`;
    assert.equal('updated' in await save(base, nl), false);
    const blank = nl.replace('\n## 第一步', '\n\n\n## 第一步');
    assert.equal('updated' in await save(nl, blank), false);
    const reviewed = blank.replace('review_by: 2027-06-30', 'review_by: 2028-06-30');
    assert.equal('updated' in await save(blank, reviewed), false);
    const l = await getJSON(`${h.daemon.url}/api/v1/procedures`);
    assert.equal('updated' in l.procedures.find((x) => x.id === 'aid'), false);
    h.last = reviewed;
  });

  it('a changed word is an update, and stays one after a later newline-only save', async () => {
    const worded = h.last.replace('的简介。', '的简介（新）。');
    assert.equal((await save(h.last, worded)).updated, utcToday());
    assert.equal((await save(worded, `${worded}\n`)).updated, utcToday());
  });
});

describe('a scheduled version goes live by itself at midnight', () => {
  const h = { daemon: null, tmp: null, tree: null, admin: null };
  const BEFORE = 25;
  let clock;
  const v1 = proc('退休申请');
  let v2;
  let fresh;

  before(async () => {
    h.tmp = makeTmp();
    const db = path.join(h.tmp, 'x.db');
    h.tree = writeTree(path.join(h.tmp, 'tree'), {
      'jobs/README.md': README, 'jobs/retire.md': v1, 'jobs/subsidy.md': proc('养老补贴'),
    });
    addUser(db, 'boss', 'admin', PW);
    addUser(db, 'clerk', 'staff', PW);
    clock = tzBeforeMidnight(BEFORE);
    // with a keyword: the schedule keeps it for the search row made at midnight
    v2 = proc('退休申请（新政策）', { front: `effective: ${clock.tomorrow}\nkeywords: 社保卡\n` });
    fresh = dated('延迟退休申请', clock.tomorrow);
    h.daemon = await startDaemon({ tree: h.tree, db, env: { TZ: clock.tz } });
    h.admin = await login(h.daemon.url, 'boss', PW);
    h.staff = await login(h.daemon.url, 'clerk', PW);
  });
  after(() => stopChecked(h.daemon, h.tmp));
  const unread = async () => (await request(`${h.daemon.url}/api/v1/staff/changes`,
    { headers: { Cookie: h.staff.cookie } })).body.procedures;

  it('is scheduled before midnight and live after it, the file untouched', async () => {
    assert.deepEqual(await unread(), [], 'the staffer\'s baseline');
    const list0 = await list(h);
    assert.equal(list0.today, clock.today, `the daemon's local date (TZ ${clock.tz})`);
    // written to disk as an editor would; the watcher loads it
    // subsidy.md's new text names another id from tomorrow: the old id is
    // served until then, not 404 while the new one waits
    const renamed = proc('高龄补贴', { front: `id: old-age-subsidy\neffective: ${clock.tomorrow}\n` });
    writeTree(h.tree, { 'jobs/retire.md': v2, 'jobs/late.md': fresh, 'jobs/subsidy.md': renamed });
    await eventually(h, async () => entry(await list(h), 'late')?.state === 'scheduled', 'late scheduled');
    // the admin's list shows the file under the id it serves, with what waits
    await eventually(h, async () => entry(await list(h), 'subsidy')?.scheduled?.title === '高龄补贴', 'renamed scheduled');
    assert.equal((await procedure(h, 'subsidy')).body.title, '养老补贴', 'the old id stays while the new one waits');
    assert.equal((await procedure(h, 'old-age-subsidy')).status, 404);
    assert.deepEqual((await getJSON(`${h.daemon.url}/api/v1/procedures?q=${encodeURIComponent('补贴')}`))
      .procedures.map((x) => x.id), ['subsidy']);
    const e = entry(await list(h), 'retire');
    assert.equal(e.state, 'scheduled');
    assert.equal(e.scheduled.effective, clock.tomorrow);
    assert.equal(e.live.hash, sha256(v1));
    assert.equal((await procedure(h, 'retire')).body.title, '退休申请');
    assert.equal((await procedure(h, 'late')).status, 404);
    assert.ok(Date.now() < clock.midnight - 1000,
      `the checks before midnight ran late (${clock.midnight - Date.now()} ms left): the test proves nothing`);
    const mtime = fs.statSync(file(h, 'jobs/retire.md')).mtimeMs;

    await sleep(Math.max(0, clock.midnight - Date.now()));
    let p;
    for (let i = 0; i < 100; i++) {
      p = await procedure(h, 'retire');
      if (p.body.title !== '退休申请') break;
      await sleep(100);
    }
    assert.equal(p.body.title, '退休申请（新政策）', h.daemon.stderr());
    assert.equal(p.body.updated, clock.tomorrow);
    // the midnight load's line counts the versions whose date came
    // (retire's new text, the new item late, subsidy's text under its new id)
    assert.match(h.daemon.stderr(), /0 versions scheduled, 3 went live on their date;/);
    // staff are told of it as news of the day it went live, not of the
    // day it was saved (a policy-change review)
    const news = (await unread()).find((x) => x.id === 'retire');
    assert.ok(news && Date.parse(news.since) >= clock.midnight - 1000, JSON.stringify(news));
    const late = await procedure(h, 'late');
    assert.equal(late.status, 200);
    assert.equal('updated' in late.body, false, 'a first version is no update');
    const after1 = await list(h);
    assert.equal(after1.today, clock.tomorrow);
    const e1 = entry(after1, 'retire');
    assert.equal(e1.state, 'ok');
    assert.equal(e1.scheduled, null);
    assert.equal(e1.live.hash, sha256(v2));
    assert.equal(entry(after1, 'late').state, 'ok');
    const s = await getJSON(`${h.daemon.url}/api/v1/procedures?q=${encodeURIComponent('新政策')}`);
    assert.deepEqual(s.procedures.map((x) => x.id), ['retire']);
    const k = await getJSON(`${h.daemon.url}/api/v1/procedures?q=${encodeURIComponent('社保卡')}`);
    assert.deepEqual(k.procedures.map((x) => x.id), ['retire'], 'found by its keyword');
    // at its date the new id replaces the old one, in search too
    assert.equal((await procedure(h, 'old-age-subsidy')).body.title, '高龄补贴');
    assert.equal((await procedure(h, 'subsidy')).status, 404);
    assert.deepEqual((await getJSON(`${h.daemon.url}/api/v1/procedures?q=${encodeURIComponent('补贴')}`))
      .procedures.map((x) => x.id), ['old-age-subsidy']);
    assert.equal(fs.statSync(file(h, 'jobs/retire.md')).mtimeMs, mtime, 'the file was not touched');
    assert.match(h.daemon.stderr(), /a new day: reloading/);
  });
});

// A practice file beside a procedure is proved against the text on disk,
// which may be a version waiting for its date: practice stays on offer,
// on that version, and says from when it applies, so staff practise the
// new rules before they take effect.
describe('practice beside a scheduled version', () => {
  const h = { daemon: null, tmp: null, tree: null, admin: null, staff: null };
  const v1 = proc('就业登记');
  const PRACTICE = '# 就业登记 · 练习\n\n## 没带身份证\n```case\nbrought =\nexpect = return s0-0\n```\n\n'
    + '## 都带了\n```case\nbrought = s0-0\nexpect = accept\n```\n';
  before(async () => {
    h.tmp = makeTmp();
    h.tree = writeTree(path.join(h.tmp, 'tree'), {
      'jobs/README.md': README, 'jobs/reg.md': v1, 'jobs/reg.practice.md': PRACTICE,
    });
    const db = path.join(h.tmp, 'x.db');
    h.daemon = await startDaemon({ tree: h.tree, db, env: { TZ: 'UTC0' } });
    addUser(db, 'boss', 'admin', PW);
    addUser(db, 'clerk', 'staff', PW);
    h.admin = await login(h.daemon.url, 'boss', PW);
    h.staff = await login(h.daemon.url, 'clerk', PW);
  });
  after(() => stopChecked(h.daemon, h.tmp));

  const offered = async () => (await request(`${h.daemon.url}/api/v1/staff/practice`,
    { headers: authHeaders(h.staff) })).body.procedures.find((p) => p.id === 'reg');

  it('stays on offer while a new version waits, played on that version, with its date', async () => {
    assert.equal((await offered()).upcoming, null, 'on the live version');
    const v2 = dated('就业登记（新版）', FAR);
    const r = await putSource(h, 'reg', v2, { 'If-Match': `"${sha256(v1)}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.scheduled, FAR);
    const p = await offered();
    assert.ok(p, 'the item is still on offer');
    assert.equal(p.upcoming, FAR);
    assert.equal(p.scenarios, 2);
    const s = await request(`${h.daemon.url}/api/v1/staff/practice/reg`, {
      method: 'POST', headers: authHeaders(h.staff, { 'Content-Type': 'application/json' }), body: '{}',
    });
    assert.equal(s.status, 201, s.text);
    assert.equal((await procedure(h, 'reg')).body.title, '就业登记', 'residents still get the live version');
  });
});

// A new item whose only text waits for its date is not served; the triage
// linking to it led residents to 没有找到这个事项，可能已经停办或改名 (a
// policy-change review). Its answer is left out until the item is served,
// and a question left with none ends the flow at the window.
describe('the triage before a new item\'s date', () => {
  const h = { daemon: null, tmp: null };
  before(async () => {
    h.tmp = makeTmp();
    const tree = writeTree(path.join(h.tmp, 'tree'), {
      'jobs/README.md': README,
      'jobs/now.md': proc('现在就能办'),
      'jobs/later.md': dated('以后才能办', FAR),
      '_triage.md': '# 引导\n\n## 您想办什么？ {#start}\n- [现在就能办的事](jobs/now.md)\n'
        + '- [以后才能办的事](jobs/later.md)\n- [再问一个](#next)\n\n'
        + '## 还想办什么？ {#next}\n- [以后才能办的事](jobs/later.md)\n',
    });
    const db = path.join(h.tmp, 'x.db');
    h.daemon = await startDaemon({ tree, db, env: { TZ: 'UTC0' } });
    addUser(db, 'boss', 'admin', PW);
    h.admin = await login(h.daemon.url, 'boss', PW);
    h.tree = tree;
  });
  after(() => stopChecked(h.daemon, h.tmp));

  it('leaves its answer out, and ends an emptied question at the window', async () => {
    assert.equal((await procedure(h, 'later')).status, 404);
    const t = await getJSON(`${h.daemon.url}/api/v1/triage`);
    const q = Object.fromEntries(t.questions.map((x) => [x.id, x.answers]));
    assert.deepEqual(q.start, [{ text: '现在就能办的事', procedure: 'now' }, { text: '再问一个', goto: 'next' }]);
    assert.deepEqual(q.next, [{ text: '请到综合窗口咨询', fallback: true }]);
  });

  // The admin who links it was told nothing (the last session's note): the
  // save now warns at the answer, and at a question left with nothing.
  it('the triage\'s save warns at each hidden answer and at the emptied question', async () => {
    const text = fs.readFileSync(path.join(h.tree, '_triage.md'), 'utf8').replace('# 引导', '# 您要办什么');
    const r = await request(`${h.daemon.url}/api/v1/admin/files/_triage/source`, {
      method: 'PUT', body: text,
      headers: { ...authHeaders(h.admin), 'Content-Type': 'text/markdown; charset=utf-8',
        'If-Match': `"${sha256(fs.readFileSync(path.join(h.tree, '_triage.md'), 'utf8'))}"` },
    });
    assert.equal(r.status, 200, r.text);
    const w = r.body.warnings.map((x) => [x.line, x.message]);
    const at = (line) => w.filter(([l]) => l === line).map(([, m]) => m);
    assert.equal(at(5).length, 1, JSON.stringify(w));
    assert.match(at(5)[0], /「以后才能办」到 2099-01-01 才生效/);
    assert.equal(at(8).length, 1, JSON.stringify(w));
    assert.match(at(8)[0], /只看到「请到综合窗口咨询」/);
    assert.equal(at(9).length, 1, JSON.stringify(w));
    assert.equal(w.length, 3, 'a live item\'s answer, a question link and the first question are not warned about');
    assert.equal((await getJSON(`${h.daemon.url}/api/v1/triage`)).title, '您要办什么');
  });

  // Those warnings belong to the triage's own save: another special file
  // saved while the triage links the waiting item is not warned about it.
  it('a category README\'s save says nothing of the triage\'s hidden answers', async () => {
    const text = README.replace('就业创业。', '就业和创业。');
    const r = await request(`${h.daemon.url}/api/v1/admin/files/jobs/source`, {
      method: 'PUT', body: text,
      headers: { ...authHeaders(h.admin), 'Content-Type': 'text/markdown; charset=utf-8',
        'If-Match': `"${sha256(README)}"` },
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.warnings, []);
  });
});
