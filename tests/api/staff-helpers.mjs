// Shared by the staff window tests (tests/api/staff*.test.mjs): a daemon over
// tests/fixtures/cases/window with a staff user, and a resident's walk
// through the fixture's `residence` procedure up to its ticket.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ROOT, request, addUser, login, adminPassword, authHeaders, makeTmp, startDaemon, stopChecked,
} from './helpers.mjs';

export const WINDOW_TREE = path.join(ROOT, 'tests', 'fixtures', 'cases', 'window');

// Values a resident types; the log must never hold them.
export const NAME = '张晓梅';
export const ID = '11010519491231002X';
export const MOBILE = '13800138000';
export const AGENT = '欧阳建国';
export const AGENT_ID = '110101198001011232';
export const masked = (id) => '*'.repeat(id.length - 4) + id.slice(-4);

// Registers the hooks: a daemon on a fresh database, then users and their
// sessions, in one hook (Node 20 does not wait for one top-level before
// hook to finish before it starts the next). Afterwards h.ctx.daemon,
// h.staff (a session of the staff user `wang`), h.staff2 (`li`) and
// h.admin are set.
// opts.args, opts.env: more for `serve` (tests/api/notify.test.mjs);
// opts.tree: a procedures folder instead of WINDOW_TREE, or a function
// (tmp) => folder run first (tests/api/followup.test.mjs).
export function useWindow(opts = {}) {
  const h = { ctx: { daemon: null, tmp: null }, staff: null, staff2: null, admin: null };
  before(async () => {
    h.ctx.tmp = makeTmp();
    const db = path.join(h.ctx.tmp, 'x.db');
    const tree = typeof opts.tree === 'function' ? opts.tree(h.ctx.tmp) : (opts.tree ?? WINDOW_TREE);
    h.ctx.daemon = await startDaemon({ tree, db, args: opts.args, env: opts.env });
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-2');
    h.staff = await login(h.ctx.daemon.url, 'wang', 'wang-password-1');
    h.staff2 = await login(h.ctx.daemon.url, 'li', 'li-password-2');
    h.admin = await login(h.ctx.daemon.url, 'admin', adminPassword(h.ctx.daemon));
  });
  after(() => stopChecked(h.ctx.daemon, h.ctx.tmp));
  h.url = (p) => `${h.ctx.daemon.url}${p}`;
  // A request as a resident (no session).
  h.post = (p, body, headers = {}) => request(h.url(p), {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  h.get = (p, headers = {}) => request(h.url(p), { headers });
  // As a staffer (default wang), with cookie and CSRF token.
  h.spost = (p, body = {}, s = h.staff) => request(h.url(p), {
    method: 'POST', headers: authHeaders(s),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  h.sget = (p, s = h.staff) => request(h.url(p), { headers: { Cookie: s.cookie } });
  // The evaluator's key of window w, made by the admin on first use ('' when
  // the admin route refuses the window: the tests of a bad window).
  const keys = new Map();
  h.rateKey = async (w) => {
    if (!keys.has(w)) {
      const r = await h.spost('/api/v1/admin/rate-keys', { window: w }, h.admin);
      keys.set(w, r.status === 200 ? r.body.key : '');
    }
    return keys.get(w);
  };
  // GET /api/v1/rate with query q ('?window=3&after=…') and its window's key.
  h.rate = async (q, init = {}) => {
    const w = new URLSearchParams(q.replace(/^\?/, '')).get('window');
    const key = w ? await h.rateKey(w) : '';
    return request(h.url('/api/v1/rate' + q + (key ? `&key=${key}` : '')), init);
  };
  return h;
}

// Walks a resident's `residence` case to its ticket (proxy: 'no' or 'yes';
// idNumber, agentId: the ID numbers typed).
// headers: extra headers for every call (a staff session filling it in).
// Returns {id, ticket}.
export async function residentCase(h, { proxy = 'no', headers = {}, channel = 'kiosk', id = null,
  idNumber = ID, agentId = AGENT_ID, prereview = false } = {}) {
  const ok = (r, what) => assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
  let caseId = id;
  if (!caseId) {
    const c = await h.post('/api/v1/cases', { procedure: 'residence', channel }, headers);
    ok(c, 'create');
    caseId = c.body.id;
  }
  ok(await h.post(`/api/v1/cases/${caseId}/conditions`, { confirmed: [true] }, headers), 'conditions');
  ok(await h.post(`/api/v1/cases/${caseId}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } }, headers), 'step 0');
  ok(await h.post(`/api/v1/cases/${caseId}/steps/1`,
    { fields: { name: NAME, id_number: idNumber, phone: MOBILE, proxy } }, headers), 'step 1');
  if (proxy === 'yes')
    ok(await h.post(`/api/v1/cases/${caseId}/steps/2`, { fields: { agent_name: AGENT, agent_id: agentId } }, headers), 'step 2');
  const s = await h.post(`/api/v1/cases/${caseId}/submit`, prereview ? { prereview: true } : undefined, headers);
  ok(s, 'submit');
  return { id: caseId, ticket: s.body.ticket };
}
