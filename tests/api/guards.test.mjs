// Every staff and admin route, read from the route table in src/api.c (so a
// route added later is covered without editing this file): 401 without a
// session, 403 for a staff user on an admin route, and for every method but
// GET the CSRF check (403 without the header, with a wrong token, and with
// another session's token). The routes' own tests cover what happens once
// these checks pass.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, useDaemon, request, assertError, addUser, login, authHeaders } from './helpers.mjs';

const table = fs.readFileSync(path.join(ROOT, 'src', 'api.c'), 'utf8');
const ROUTES = [...table.matchAll(/\{"(GET|POST|PUT|DELETE|PATCH)", "([^"]+)", \w+\}/g)]
  .map(([, method, pattern]) => ({ method, pattern }))
  .filter((r) => /^\/(api\/v1\/(staff|admin)|print\/staff)\//.test(r.pattern));
const SAMPLE_ID = '0123456789abcdef0123456789abcdef';
const url = (h, r) => `${h.daemon.url}${r.pattern.replaceAll('{}', SAMPLE_ID)}`;
const isAdmin = (r) => r.pattern.startsWith('/api/v1/admin/');
const body = (r) => (r.method === 'GET' ? undefined : '{}');

describe('staff and admin routes are guarded', () => {
  const h = useDaemon();
  const s = {};

  test('the route table has the routes the contract names', () => {
    const names = ROUTES.map((r) => `${r.method} ${r.pattern}`);
    for (const want of ['GET /api/v1/staff/queue', 'GET /api/v1/staff/cases/{}',
      'POST /api/v1/staff/cases/{}/accept', 'POST /api/v1/staff/cases/{}/complete',
      'POST /api/v1/staff/cases/{}/return', 'GET /api/v1/admin/procedures',
      'GET /api/v1/admin/procedures/{}/source', 'PUT /api/v1/admin/procedures/{}/source',
      'GET /api/v1/admin/stats'])
      assert.ok(names.includes(want), `${want} in ${names.join(', ')}`);
  });

  test('without a session: 401 not_logged_in on every one', async () => {
    for (const r of ROUTES) {
      const res = await request(url(h, r), { method: r.method, body: body(r),
        headers: { 'Content-Type': 'application/json' } });
      assertError(res, 401, 'not_logged_in', `${r.method} ${r.pattern}`);
    }
  });

  test('a staff user on an admin route: 403 forbidden, CSRF token or not', async () => {
    addUser(h.db, 'clerk', 'staff', 'clerk-pass-1');
    s.staff = await login(h.daemon.url, 'clerk', 'clerk-pass-1');
    for (const r of ROUTES.filter(isAdmin)) {
      const res = await request(url(h, r), { method: r.method, body: body(r), headers: authHeaders(s.staff) });
      assertError(res, 403, 'forbidden', `${r.method} ${r.pattern}`);
    }
  });

  test('a state change without the CSRF token, with a wrong one or another session\'s: 403', async () => {
    addUser(h.db, 'chief', 'admin', 'chief-pass-1');
    s.admin = await login(h.daemon.url, 'chief', 'chief-pass-1');
    const changes = ROUTES.filter((r) => r.method !== 'GET');
    assert.ok(changes.length >= 8, `${changes.length} state-changing routes`);
    for (const r of changes) {
      const who = s.admin;  // passes the role check of every route
      const variants = {
        missing: { Cookie: who.cookie, 'Content-Type': 'application/json' },
        wrong: authHeaders(who, { 'X-CSRF-Token': 'x'.repeat(43) }),
        other: authHeaders(who, { 'X-CSRF-Token': s.staff.csrf }),
        empty: authHeaders(who, { 'X-CSRF-Token': '' }),
      };
      for (const [what, headers] of Object.entries(variants)) {
        const res = await request(url(h, r), { method: r.method, body: body(r), headers });
        assertError(res, 403, 'csrf_failed', `${r.method} ${r.pattern} (${what} token)`);
      }
    }
  });

  test('the same calls with the right token get past the guard', async () => {
    for (const r of ROUTES.filter((x) => x.method !== 'GET')) {
      const res = await request(url(h, r), { method: r.method, body: body(r), headers: authHeaders(s.admin) });
      assert.ok(![401, 403].includes(res.status), `${r.method} ${r.pattern}: ${res.status} ${res.text}`);
    }
  });
});
