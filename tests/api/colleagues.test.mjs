// GET /api/v1/staff/colleagues (ours, docs/http-api.md): who a case may be
// handed to (转交同事). The staff page offers these names with their posts
// instead of asking for a login name from memory. Accounts not disabled,
// staff and admins (both may own a case), by name; each post by its name in
// _posts.md, or its id where the file has none. Staff only; never cached.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, userCmd } from './helpers.mjs';
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
    addUser(db, 'gone', 'staff', 'gone-password-3');
    assert.equal(userCmd(['disable', 'gone', '--db', db]).status, 0);
  });

  it('lists the accounts that may own a case, by name, with their posts by name', async () => {
    const r = await h.sget('/api/v1/staff/colleagues');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('cache-control') ?? '', /no-store/);
    assert.deepEqual(r.body, {
      colleagues: [
        { user: 'admin', role: 'admin', posts: [] },
        { user: 'li', role: 'staff', posts: [{ id: 'civil', name: '民政专干' }, { id: 'social', name: 'social' }] },
        { user: 'wang', role: 'staff', posts: [{ id: 'window', name: '综合窗口（A岗）' }] },
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
