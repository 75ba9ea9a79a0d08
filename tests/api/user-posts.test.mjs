// The posts (岗位) a staffer holds (issue #10 part 2): `spkiosk user add …
// --posts ID,ID` and `spkiosk user posts NAME ID,ID|-`, checked ids
// ([a-z][a-z0-9_-]{0,31}, at most 16), shown by `user list`, and returned at
// login and by GET /api/v1/session as "posts" — a change reaching a live
// session at its next request. A staff user added without --posts holds
// `window` (http-api.md: "default `window`"); an admin none.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  makeTmp, startDaemon, stopChecked, userCmd, login, request,
  setShortcuts,
} from './helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): a test of `spkiosk user add --posts`: the CLI makes every user and database.
setShortcuts({ template: false, hashes: false });

const PW = 'window-pass-1\n';

describe('posts on staff users', () => {
  let tmp, db, d;
  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    d = await startDaemon({ db });
  });
  after(() => stopChecked(d, tmp));

  it('user add --posts stores them, a repeated id once; list shows them last', () => {
    let r = userCmd(['add', 'wang', '--role', 'staff', '--posts', 'mz_zhuanggan,window-a,mz_zhuanggan', '--db', db], PW);
    assert.equal(r.status, 0, r.stderr);
    r = userCmd(['add', 'li', '--role', 'staff', '--db', db], PW);
    assert.equal(r.status, 0, r.stderr);
    r = userCmd(['add', 'boss', '--role', 'admin', '--db', db], PW);
    assert.equal(r.status, 0, r.stderr);
    // what add says must match what it stored: an admin holds none, not window
    assert.equal(r.stdout, `added admin user boss (posts: none) to ${db}\n`);
    r = userCmd(['list', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wang staff active \S+ mz_zhuanggan,window-a -$/m);
    assert.match(r.stdout, /^li staff active \S+ window -$/m, 'a staff user holds window by default');
    assert.match(r.stdout, /^boss admin active \S+ - -$/m, 'an admin holds none');
  });

  it('a staff user added without --posts logs in holding window', async () => {
    const res = await fetch(`${d.url}/api/v1/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'li', password: 'window-pass-1' }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).posts, ['window']);
  });

  it('refuses bad ids, empty items and more than 16, changing nothing', () => {
    const bad = ['Mz', '1abc', 'a b', 'a,,b', 'a,', 'x'.repeat(33), 'a.b',
      Array.from({ length: 17 }, (_, i) => `p${i}`).join(',')];
    for (const posts of bad) {
      const r = userCmd(['posts', 'wang', posts, '--db', db]);
      assert.equal(r.status, 1, `${posts}: ${r.stderr}`);
      assert.match(r.stderr, /post/);
    }
    const r = userCmd(['add', 'zhao', '--role', 'staff', '--posts', 'A', '--db', db], PW);
    assert.equal(r.status, 1);
    assert.doesNotMatch(userCmd(['list', '--db', db]).stdout, /^zhao /m);
    assert.match(userCmd(['list', '--db', db]).stdout, /^wang staff active \S+ mz_zhuanggan,window-a -$/m);
    const sixteen = Array.from({ length: 16 }, (_, i) => `p${i}`).join(',');
    assert.equal(userCmd(['posts', 'li', sixteen, '--db', db]).status, 0, '16 is allowed');
    assert.equal(userCmd(['posts', 'nobody', 'a', '--db', db]).status, 1, 'unknown user');
    assert.equal(userCmd(['posts', 'li', '--db', db]).status, 2, 'no list given');
  });

  // `user posts wang "$POSTS"` with POSTS unset cleared every post, as `-`
  // does, and `--posts ''` made a staffer who holds none: a usage error
  // now (exit 2, as the others), and `-` stays the way to clear
  it('refuses an empty list of posts with exit 2, changing nothing', () => {
    const before = userCmd(['list', '--db', db]).stdout;
    assert.match(before, /^wang staff active \S+ mz_zhuanggan,window-a -$/m);
    let r = userCmd(['posts', 'wang', '', '--db', db]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^spkiosk user posts: the list of posts is empty \(an empty shell variable\?\); give ID,ID, or - for none$/m);
    for (const args of [['--posts', ''], ['--posts=']]) {
      r = userCmd(['add', 'zhou', '--role', 'staff', ...args, '--db', db], PW);
      assert.equal(r.status, 2, `${args}: ${r.stderr}`);
      assert.match(r.stderr, /^spkiosk user add: the list of posts is empty/m);
    }
    assert.equal(userCmd(['list', '--db', db]).stdout, before, 'a refused command changed the users');
  });

  it('login answers the posts; a change reaches the live session; - clears them', async () => {
    const s = await login(d.url, 'wang', 'window-pass-1');
    const res = await fetch(`${d.url}/api/v1/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'wang', password: 'window-pass-1' }),
    });
    const body = await res.json();
    assert.deepEqual(Object.keys(body).sort(), ['csrf', 'display', 'idle', 'posts', 'role', 'user']);
    assert.deepEqual(body.posts, ['mz_zhuanggan', 'window-a']);
    assert.equal(userCmd(['posts', 'wang', 'b_post', '--db', db]).status, 0);
    let r = await request(`${d.url}/api/v1/session`, { headers: { Cookie: s.cookie } });
    assert.equal(r.status, 200, 'the session stays');
    assert.deepEqual(r.body.posts, ['b_post']);
    assert.equal(userCmd(['posts', 'wang', '-', '--db', db]).status, 0);
    r = await request(`${d.url}/api/v1/session`, { headers: { Cookie: s.cookie } });
    assert.deepEqual(r.body.posts, []);
    assert.match(userCmd(['list', '--db', db]).stdout, /^wang staff active \S+ - -$/m);
  });
});

// A post the library's _posts.md does not have is held all the same (the
// file may gain it), but said: an IT officer's typo (--posts civl) passed
// unseen, and the user then saw none of the civil stages' work.
describe('posts the library does not have', () => {
  let tmp, db, d;
  before(async () => {
    const { writeTree } = await import('./helpers.mjs');
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    const tree = writeTree(path.join(tmp, 'tree'), {
      '_posts.md': '# 岗位\n\n- window 综合窗口（A岗）\n- civil 民政专干\n',
      'hall/README.md': '# 大厅\n\n大厅事项。\n',
      'hall/one.md': '# 一个事项\n\n简介。\n\n## 第一步：材料\n- [ ] 身份证\n',
    });
    d = await startDaemon({ db, tree });
  });
  after(() => stopChecked(d, tmp));

  it('are said on stderr and kept; known ones pass quietly', () => {
    let r = userCmd(['add', 'wang', '--role', 'staff', '--posts', 'window,civl', '--db', db], PW);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: the post civl is not in the library's _posts\.md/);
    assert.doesNotMatch(r.stderr, /post window/);
    assert.match(userCmd(['list', '--db', db]).stdout, /^wang staff active \S+ window,civl -$/m);
    r = userCmd(['posts', 'wang', 'window,civil', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});
