// Every staff and admin route, read with its access and CSRF columns from
// the route table in src/api.c (so a route added later is covered without
// editing this file): 401 without a session, 403 for a staff user on an
// admin route, and wherever the table asks for CSRF — every method but GET,
// as the daemon refuses to start otherwise — the CSRF check (403 without the
// header, with a wrong token, and with another session's token). The
// routes' own tests cover what happens once these checks pass.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useDaemon, request, assertError, addUser, login, authHeaders, routeTable } from './helpers.mjs';

const ROUTES = routeTable().filter((r) => r.access === 'STAFF' || r.access === 'ADMIN');
const SAMPLE_ID = '0123456789abcdef0123456789abcdef';
const url = (h, r) => `${h.daemon.url}${r.pattern.replaceAll('{}', SAMPLE_ID)}`;
const isAdmin = (r) => r.access === 'ADMIN';
const body = (r) => (r.method === 'GET' ? undefined : '{}');
const flipLast = (t) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');

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
    for (const r of ROUTES.filter((x) => x.method !== 'GET'))
      assert.ok(r.csrf, `${r.method} ${r.pattern} changes state: csrf in the table`);
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
      // and without the token: the role is checked first, whatever the token
      const bare = await request(url(h, r), { method: r.method, body: body(r),
        headers: { Cookie: s.staff.cookie, 'Content-Type': 'application/json' } });
      assertError(bare, 403, 'forbidden', `${r.method} ${r.pattern} without a CSRF token`);
    }
  });

  // by path, not by the table's access column: a staff or admin route
  // whose entry was turned public (or an admin one staff) is caught here
  test('every route under a staff or admin path needs a session; an admin path, an admin', async () => {
    const byPath = routeTable().filter((r) => /^\/(api\/v1\/(staff|admin)|print\/staff)\//.test(r.pattern));
    assert.ok(byPath.length > 0, 'routes under staff and admin paths');
    for (const r of byPath) {
      const res = await request(url(h, r), { method: r.method, body: body(r),
        headers: { 'Content-Type': 'application/json' } });
      assertError(res, 401, 'not_logged_in', `${r.method} ${r.pattern} without a session`);
    }
    for (const r of byPath.filter((x) => x.pattern.startsWith('/api/v1/admin/'))) {
      const res = await request(url(h, r), { method: r.method, body: body(r), headers: authHeaders(s.staff) });
      assertError(res, 403, 'forbidden', `${r.method} ${r.pattern} as staff`);
    }
  });

  test('a state change without the CSRF token, with a wrong one or another session\'s: 403', async () => {
    addUser(h.db, 'chief', 'admin', 'chief-pass-1');
    s.admin = await login(h.daemon.url, 'chief', 'chief-pass-1');
    const changes = ROUTES.filter((r) => r.csrf);
    assert.ok(changes.length >= 8, `${changes.length} state-changing routes`);
    for (const r of changes) {
      const who = s.admin;  // passes the role check of every route
      const variants = {
        missing: { Cookie: who.cookie, 'Content-Type': 'application/json' },
        wrong: authHeaders(who, { 'X-CSRF-Token': 'x'.repeat(43) }),
        other: authHeaders(who, { 'X-CSRF-Token': s.staff.csrf }),
        empty: authHeaders(who, { 'X-CSRF-Token': '' }),
        // the whole token counts: one character off at its end, or more after it
        'last character': authHeaders(who, { 'X-CSRF-Token': flipLast(who.csrf) }),
        longer: authHeaders(who, { 'X-CSRF-Token': `${who.csrf}A` }),
      };
      for (const [what, headers] of Object.entries(variants)) {
        const res = await request(url(h, r), { method: r.method, body: body(r), headers });
        assertError(res, 403, 'csrf_failed', `${r.method} ${r.pattern} (${what} token)`);
      }
    }
  });

  test('the same calls with the right token get past the guard', async () => {
    for (const r of ROUTES.filter((x) => x.csrf)) {
      const res = await request(url(h, r), { method: r.method, body: body(r), headers: authHeaders(s.admin) });
      assert.ok(![401, 403].includes(res.status), `${r.method} ${r.pattern}: ${res.status} ${res.text}`);
    }
  });
});
