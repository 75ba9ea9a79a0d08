// GET /print/cases/{id}: the slip with the ticket, the procedure, what to
// bring (the checklist items that apply to this case only) and an inline SVG
// QR code; nothing loaded from outside. Over tests/fixtures/cases/situations.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, request, assertError, logLine, useDaemon } from './helpers.mjs';

const ctx = useDaemon({ tree: path.join(ROOT, 'tests', 'fixtures', 'cases', 'situations') });
const api = (p) => `${ctx.daemon.url}${p}`;

function post(p, body) {
  return request(api(p), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}
async function ok(p, body) {
  const r = await post(p, body);
  assert.ok(r.status === 200 || r.status === 201, `${p}: ${r.status} ${r.text}`);
  return r.body;
}

const ITEMS = {
  id: '申请人居民身份证原件', letter: '授权委托书', self: '申请人本人到场签字', photo: '代办人近期照片',
};

// Every src/href/url() in the page points inside the daemon.
function assertNothingOutside(html) {
  assert.doesNotMatch(html, /\b(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?\/\//i, 'external src/href');
  assert.doesNotMatch(html, /url\(\s*["']?\s*(?:https?:)?\/\//i, 'external url()');
  assert.doesNotMatch(html, /@import/i);
}

describe('the case slip', () => {
  let self, proxy;

  it('before submit it is 409 not_submitted', async () => {
    self = (await ok('/api/v1/cases', { procedure: 'permit' })).id;
    assertError(await request(api(`/print/cases/${self}`)), 409, 'not_submitted', 'fresh');
    await ok(`/api/v1/cases/${self}/steps/0`, { fields: { name: '钱阿姨', proxy: 'no' } });
    await ok(`/api/v1/cases/${self}/steps/2`, {
      checklist: { 's2-0': true, 's2-2': true }, fields: { self_phone: '13800138000' },
    });
    assertError(await request(api(`/print/cases/${self}`)), 409, 'not_submitted', 'finished');
  });

  it('after submit: HTML with the ticket, the title and the applicable items only', async () => {
    const s = await ok(`/api/v1/cases/${self}/submit`, {});
    assert.equal(s.ticket, 'A001');
    const r = await request(api(`/print/cases/${self}`));
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.match(r.headers.get('content-type') ?? '', /^text\/html\b/i);
    const html = r.text;
    // the access log counts the page's bytes (docs/deployment.md, "Monitoring")
    const id = r.headers.get('x-request-id');
    const line = await logLine(ctx.daemon, id);
    assert.match(line, new RegExp(` bytes=${Buffer.byteLength(html)} `), line);
    assert.match(html, /<html[\s>]/i);
    assert.ok(html.includes('A001'), 'ticket');
    assert.ok(html.includes('代办证明'), 'procedure title');
    assert.ok(html.includes(ITEMS.id), 'unconditional item');
    assert.ok(html.includes(ITEMS.self), 'the proxy!=yes item');
    assert.ok(!html.includes(ITEMS.letter), 'no proxy=yes item');
    assert.ok(!html.includes(ITEMS.photo), 'no optional proxy=yes item');
    assert.match(html, /<svg[\s>][\s\S]*<\/svg>/i, 'inline SVG QR code');
    // when the ticket was drawn, in local time, and that nobody waits before it
    assert.match(html, /\d{4}年\d{2}月\d{2}日 \d{2}:\d{2} 取号/, 'the time on the slip');
    assert.ok(html.includes('前面没有人在等'), 'first in line');
    assertNothingOutside(html);
  });

  it('with proxy=yes the agent\'s items are listed instead', async () => {
    proxy = (await ok('/api/v1/cases', { procedure: 'permit', channel: 'kiosk' })).id;
    await ok(`/api/v1/cases/${proxy}/steps/0`, { fields: { name: '钱阿姨', proxy: 'yes' } });
    await ok(`/api/v1/cases/${proxy}/steps/1`, { fields: { agent_name: '钱小宝', agent_id: '11010519491231002X' } });
    await ok(`/api/v1/cases/${proxy}/steps/2`, {
      checklist: { 's2-0': true, 's2-1': true }, fields: { agent_phone: '13912345678' },
    });
    assert.equal((await ok(`/api/v1/cases/${proxy}/submit`, {})).ticket, 'A002');
    const r = await request(api(`/print/cases/${proxy}`));
    assert.equal(r.status, 200);
    const html = r.text;
    assert.ok(html.includes('A002'), 'ticket');
    assert.ok(!html.includes('A001'), 'not the other ticket');
    assert.ok(html.includes(ITEMS.id) && html.includes(ITEMS.letter) && html.includes(ITEMS.photo), 'proxy items');
    assert.ok(!html.includes(ITEMS.self), 'no proxy!=yes item');
    assert.ok(html.includes('您前面还有 <strong>1</strong> 人'), 'one case waits before it');
    assert.match(html, /<svg[\s>]/i);
    assertNothingOutside(html);
  });

  it('each slip\'s QR code differs (it holds the case id)', async () => {
    const a = (await request(api(`/print/cases/${self}`))).text.match(/<svg[\s\S]*?<\/svg>/i)[0];
    const b = (await request(api(`/print/cases/${proxy}`))).text.match(/<svg[\s\S]*?<\/svg>/i)[0];
    assert.notEqual(a, b);
  });

  it('an unknown case is 404 unknown_case', async () => {
    assertError(await request(api('/print/cases/0123456789abcdef0123456789abcdef')), 404, 'unknown_case');
    assertError(await request(api('/print/cases/short')), 404, 'unknown_case');
  });

  // A browser (the resident scanning an old slip, a link typed wrong) asks
  // for text/html: it gets the message as a page with a way back, the same
  // status; programs keep the JSON envelope above.
  it('a browser gets the error as a page, with the same status and message', async () => {
    const browser = { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } };
    const unknown = await request(api('/print/cases/0123456789abcdef0123456789abcdef'), browser);
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type'), /^text\/html; charset=utf-8/);
    assert.match(unknown.headers.get('content-security-policy'), /default-src 'self'/);
    const json = await request(api('/print/cases/0123456789abcdef0123456789abcdef'));
    assert.ok(unknown.text.includes(json.body.error.message), unknown.text);
    assert.match(unknown.text, /<a href="\/">返回首页<\/a>/);
    assert.doesNotMatch(unknown.text, /unknown_case|"error"/);
    const fresh = (await ok('/api/v1/cases', { procedure: 'permit' })).id;
    const early = await request(api(`/print/cases/${fresh}`), browser);
    assert.equal(early.status, 409);
    assert.match(early.text, /还没有提交/);
    const proc = await request(api('/print/procedures/no-such-item'), browser);
    assert.equal(proc.status, 404);
    assert.match(proc.headers.get('content-type'), /^text\/html/);
    // the staff's printouts lead back to the staff page; 401 as a page too
    const staff = await request(api(`/print/staff/cases/${fresh}/receipt`), browser);
    assert.equal(staff.status, 401);
    assert.match(staff.text, /<a href="\/staff">返回工作台<\/a>/);
    // the API itself answers JSON whatever the browser asks
    const apiErr = await request(api('/api/v1/cases/0123456789abcdef0123456789abcdef'), browser);
    assertError(apiErr, 404, 'unknown_case');
  });

  it('the log shows /print/cases/{id}, never the id', () => {
    const log = ctx.daemon.stderr();
    assert.match(log, / method=GET route=\S+ path=\/print\/cases\/\{id\} status=200 /);
    for (const id of [self, proxy]) assert.ok(!log.includes(id), `case id ${id} in the log`);
    for (const v of ['钱阿姨', '钱小宝', '11010519491231002X', '13912345678', '13800138000']) {
      assert.ok(!log.includes(v), `value ${v} in the log`);
    }
  });
});
