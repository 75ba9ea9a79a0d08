// Shared by the admin console's API tests: a daemon over a small tree with
// an admin and a staff account logged in, and wrappers for the admin routes.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  addUser, authHeaders, login, makeTmp, request, sleep, startDaemon, stopChecked, writeTree,
} from './helpers.mjs';

export const PW = 'correct-horse-9';

// A valid procedure file; `title` tells versions apart.
export const proc = (title, { front = '', extra = '' } = {}) =>
  `${front ? `---\n${front}---\n` : ''}# ${title}\n\n${title}的简介。\n\n## 第一步:准备\n- [ ] 身份证\n${extra}`;

export const sha256 = (s) => createHash('sha256').update(s).digest('hex');

// Registers the hooks: a daemon over `files`, then users boss (admin) and
// clerk (staff) logged in. h.admin / h.staff are sessions, h.tree the tree.
// One hook, not useDaemon's plus another: root-level hooks of a file may
// run side by side, and the accounts need the daemon's database migrated.
// opts.env: the daemon's environment beside the test's (a stopped clock).
export function useAdminDaemon(files, opts = {}) {
  const h = { daemon: null, tmp: null, tree: null, admin: null, staff: null };
  before(async () => {
    h.tmp = makeTmp();
    h.tree = writeTree(path.join(h.tmp, 'tree'), files);
    const db = path.join(h.tmp, 'x.db');
    h.daemon = await startDaemon({ tree: h.tree, db, env: opts.env });
    addUser(db, 'boss', 'admin', PW);
    addUser(db, 'clerk', 'staff', PW);
    h.admin = await login(h.daemon.url, 'boss', PW);
    h.staff = await login(h.daemon.url, 'clerk', PW);
  });
  after(() => stopChecked(h.daemon, h.tmp));
  return h;
}

export const file = (h, rel) => path.join(h.tree, rel);
export const readFile = (h, rel) => fs.readFileSync(file(h, rel), 'utf8');

export function get(h, p, session = h.admin) {
  return request(`${h.daemon.url}${p}`, { headers: session ? { Cookie: session.cookie } : {} });
}

// PUT of a source. headers are added to the session's (cookie, CSRF);
// session null sends neither.
export function putSource(h, id, body, headers = {}, { session = h.admin, query = '' } = {}) {
  const base = session ? authHeaders(session) : {};
  return request(`${h.daemon.url}/api/v1/admin/procedures/${id}/source${query}`, {
    method: 'PUT', body,
    headers: { ...base, 'Content-Type': 'text/markdown; charset=utf-8', ...headers },
  });
}

export function preview(h, query, body, { session = h.admin, headers = {} } = {}) {
  const base = session ? authHeaders(session) : {};
  return request(`${h.daemon.url}/api/v1/admin/preview${query}`, {
    method: 'POST', body,
    headers: { ...base, 'Content-Type': 'text/markdown; charset=utf-8', ...headers },
  });
}

export async function list(h) {
  const r = await get(h, '/api/v1/admin/procedures');
  assert.equal(r.status, 200, r.text);
  return r.body;
}

export const entry = (doc, id, state) =>
  doc.procedures.find((p) => p.id === id && (!state || p.state === state));

// Polls until fn() is true (the watcher reloads within about 200 ms).
export async function eventually(h, fn, what) {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await sleep(50);
  }
  assert.fail(`not seen within 5 s: ${what}\n${h.daemon.stderr()}`);
}
