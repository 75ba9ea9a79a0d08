// GET /api/v1/staff/colleagues (ours, docs/http-api.md): who a case may be
// handed to (转交同事). The staff page offers these names with their posts
// instead of asking for a login name from memory. Accounts not disabled,
// staff and admins (both may own a case), by name, with the display name
// residents read (`spkiosk user display`); each post by its name in
// _posts.md, or its id where the file has none. Staff only; never cached.
// And the printed receipt and notices name the staffer by that display
// name (王芳), not by login name (wang), which means nothing to a resident.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, userCmd, login } from './helpers.mjs';
import { useWindow, residentCase, WINDOW_TREE } from './staff-helpers.mjs';

const h = useWindow({
  tree: (tmp) => {
    const dir = path.join(tmp, 'tree');
    fs.cpSync(WINDOW_TREE, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '_posts.md'), '# 岗位\n\n- window 综合窗口（A岗）\n- civil 民政专干\n');
    return dir;
  },
});

describe('colleagues', () => {
  before(() => {
    const db = path.join(h.ctx.tmp, 'x.db');
    assert.equal(userCmd(['posts', 'li', 'civil,social', '--db', db]).status, 0);
    assert.equal(userCmd(['display', 'li', ' 李娜 ', '--db', db]).status, 0);
    addUser(db, 'gone', 'staff', 'gone-password-3');
    assert.equal(userCmd(['disable', 'gone', '--db', db]).status, 0);
  });

  it('lists the accounts that may own a case, by name, with their posts by name', async () => {
    const r = await h.sget('/api/v1/staff/colleagues');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('cache-control') ?? '', /no-store/);
    assert.deepEqual(r.body, {
      colleagues: [
        { user: 'admin', display: '', role: 'admin', posts: [] },
        { user: 'li', display: '李娜', role: 'staff', posts: [{ id: 'civil', name: '民政专干' }, { id: 'social', name: 'social' }] },
        { user: 'wang', display: '', role: 'staff', posts: [{ id: 'window', name: '综合窗口（A岗）' }] },
      ],
    });
  });

  it('every name listed is one a case can be handed to', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    for (const { user } of (await h.sget('/api/v1/staff/colleagues')).body.colleagues) {
      const r = await h.spost(`/api/v1/staff/cases/${c.id}/assign`, { user });
      assert.equal(r.status, 200, `${user}: ${r.text}`);
      assert.equal(r.body.owner, user);
    }
    const gone = await h.spost(`/api/v1/staff/cases/${c.id}/assign`, { user: 'gone' });
    assert.equal(gone.status, 422, gone.text);
  });

  it('is for staff: 401 without a session', async () => {
    const r = await h.get('/api/v1/staff/colleagues');
    assert.equal(r.status, 401, r.text);
  });
});

describe('display names', () => {
  const db = () => path.join(h.ctx.tmp, 'x.db');
  const page = async (p) => {
    const r = await h.sget(p);
    assert.equal(r.status, 200, r.text);
    return r.text;
  };

  it('are checked: one line, 1 to 20 characters, - for none; list shows them', () => {
    for (const bad of ['', '   ', 'x'.repeat(21), '王\n芳', '王\u202e芳'])
      assert.equal(userCmd(['display', 'wang', bad, '--db', db()]).status, 1, JSON.stringify(bad));
    assert.equal(userCmd(['display', 'nobody', '王芳', '--db', db()]).status, 1, 'unknown user');
    assert.equal(userCmd(['display', 'wang', '--db', db()]).status, 2, 'no name given');
    assert.equal(userCmd(['display', 'wang', '王芳', '--db', db()]).status, 0);
    const list = userCmd(['list', '--db', db()]);
    assert.match(list.stdout, /^wang staff active \S+ window 王芳$/m);
    assert.match(list.stdout, /^admin admin active \S+ - -$/m);
    // add takes it too; a refused one adds nobody
    assert.equal(userCmd(['add', 'zhao', '--role', 'staff', '--display', '赵敏', '--db', db()], 'zhao-pass-1\n').status, 0);
    assert.equal(userCmd(['add', 'qian', '--role', 'staff', '--display', 'x'.repeat(21), '--db', db()], 'qian-pass-1\n').status, 2);
    const after = userCmd(['list', '--db', db()]).stdout;
    assert.match(after, /^zhao staff active \S+ window 赵敏$/m);
    assert.doesNotMatch(after, /^qian /m);
  });

  it('name the staffer on the receipt, the correction notice and the rejection notice', async () => {
    const a = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${a.id}/accept`)).status, 200);
    assert.match(await page(`/print/staff/cases/${a.id}/receipt`), /<dt>受理人<\/dt><dd>王芳<\/dd>/);
    assert.equal((await h.spost(`/api/v1/staff/cases/${a.id}/reject`, { reason: '不符合条件' })).status, 200);
    assert.match(await page(`/print/staff/cases/${a.id}/rejection`), /<dt>经办人<\/dt><dd>王芳<\/dd>/);
    // a file that names no review body or court: the words that hold anywhere
    assert.match(await page(`/print/staff/cases/${a.id}/rejection`),
      /六十日内向有权的行政复议机关申请行政复议，或者自收到本告知书之日起六个月内向有管辖权的人民法院提起行政诉讼/);
    const b = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${b.id}/return`, { reason: '照片不清楚' })).status, 200);
    assert.match(await page(`/print/staff/cases/${b.id}/correction`), /<dt>经办人<\/dt><dd>王芳<\/dd>/);
    // the login's answer carries it, for the page's header
    const s = await login(h.url(''), 'wang', 'wang-password-1');
    assert.equal(s.display, '王芳');
    // cleared: the login name again
    assert.equal(userCmd(['display', 'wang', '-', '--db', db()]).status, 0);
    assert.equal((await login(h.url(''), 'wang', 'wang-password-1')).display, '');
    assert.match(await page(`/print/staff/cases/${a.id}/receipt`), /<dt>受理人<\/dt><dd>wang<\/dd>/);
  });
});
