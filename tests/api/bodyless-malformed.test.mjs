// Routes that read no body still refuse a malformed one: the contract's
// 400 (malformed request) is the request's, whatever the route reads, and
// no move is made on it. accept, pass and handout (no body needed either)
// answered 400 so; notifications' done and practice's start (the
// contract's), no-show, discard and send-link (ours) made their move on
// "{" and answered 200, 201 or 204 until 2026-12-07. No body, or a JSON
// object (the pages send {}), is as before.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertError, request, authHeaders } from './helpers.mjs';
import { useWindow, residentCase, WINDOW_TREE } from './staff-helpers.mjs';

const PRACTICE = `# 简易事项 · 练习

## 材料齐全
张某带来了身份证原件。

\`\`\`case
brought = s0-0
expect = accept
\`\`\`
`;

const h = useWindow({
  tree: (tmp) => {
    const tree = path.join(tmp, 'tree');
    fs.cpSync(WINDOW_TREE, tree, { recursive: true });
    fs.writeFileSync(path.join(tree, 'hall', 'simple.practice.md'), PRACTICE);
    return tree;
  },
});

const MALFORMED = ['{', '[1]', '"done"'];
const raw = (p, body, s = h.staff) => request(h.url(p), { method: 'POST', headers: authHeaders(s), body });

describe('a malformed body on a route that reads none', () => {
  it('POST /api/v1/staff/notifications/{id}/done: 400, still not done; {} marks it', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '户口簿缺少本人页' })).status, 200);
    const n = (await h.sget('/api/v1/staff/notifications')).body.notifications.find((x) => x.case === c.id);
    assert.ok(n, 'the return queued a notification');
    for (const body of MALFORMED) {
      assertError(await raw(`/api/v1/staff/notifications/${n.id}/done`, body), 400, 'bad_request', body);
      const now = (await h.sget('/api/v1/staff/notifications')).body.notifications.find((x) => x.id === n.id);
      assert.equal(now.done, null, `${body}: not marked`);
    }
    assert.equal((await h.spost(`/api/v1/staff/notifications/${n.id}/done`, {})).status, 200);
  });

  it('POST /api/v1/staff/practice/{procedure}: 400, no scenario started; without a body 201', async () => {
    for (const body of MALFORMED)
      assertError(await raw('/api/v1/staff/practice/simple', body), 400, 'bad_request', body);
    const r = await request(h.url('/api/v1/staff/practice/simple'), { method: 'POST', headers: authHeaders(h.staff) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.scenario.title, '材料齐全');
  });

  it('POST …/no-show: 400, the resident still waiting; {} records it', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/call`, {})).status, 200);
    for (const body of MALFORMED)
      assertError(await raw(`/api/v1/staff/cases/${c.id}/no-show`, body), 400, 'bad_request', body);
    assert.equal((await h.sget(`/api/v1/staff/cases/${c.id}`)).body.status, 'waiting');
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/no-show`, {});
    assert.equal(r.status, 200, r.text);
  });

  it('POST …/discard: 400, the case kept; {} deletes it', async () => {
    const s = await h.spost('/api/v1/staff/cases', { procedure: 'simple' });
    assert.equal(s.status, 201, s.text);
    for (const body of MALFORMED)
      assertError(await raw(`/api/v1/staff/cases/${s.body.id}/discard`, body), 400, 'bad_request', body);
    assert.equal((await h.sget(`/api/v1/staff/cases/${s.body.id}`)).status, 200, 'still there');
    assert.equal((await h.spost(`/api/v1/staff/cases/${s.body.id}/discard`, {})).status, 204);
  });

  it('POST …/send-link: 400 before anything else is looked at', async () => {
    const c = await residentCase(h);
    assertError(await raw(`/api/v1/staff/cases/${c.id}/send-link`, '{'), 400, 'bad_request');
    // a well-formed ask meets this hall's lack of a sender, as before
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/send-link`, {}), 409, 'no_sms');
  });
});
