// A web case's lost link (docs/http-api.md "A lost web link", ours): the
// resident who handed a case in from home phones the hall; the staffer
// finds the case by the mobile or ID number the caller gives
// (POST /api/v1/staff/web-cases/search) and has the daemon text the link
// to the mobile the case already holds (POST …/send-link), through
// `serve --notify-command`, with a `link_sent` event naming the staffer
// and limits against repeats. Nobody reads the secret link aloud: without
// a sender or --public-url it is refused, and the staff list never shows
// the case id in the text.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { assertError, makeTmp, rmTmp, sleep } from './helpers.mjs';
import { useWindow, residentCase, ID, MOBILE, WINDOW_TREE } from './staff-helpers.mjs';

const PUBLIC = 'https://hall.example.cn';

async function until(fn, ms = 10_000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const tmp = makeTmp('spkiosk-link-');
after(() => rmTmp(tmp));
const OUT = path.join(tmp, 'sent.txt');
const SEND = path.join(tmp, 'send.sh');
fs.writeFileSync(SEND, '#!/bin/sh\n' +
  'printf \'%s\\t%s\\t%s\\t%s\\n\' "$SPKIOSK_TICKET" "$SPKIOSK_PHONE" "$SPKIOSK_KIND" "$SPKIOSK_TEXT" >> "$1"\n',
  { mode: 0o755 });
const lines = (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8').split('\n').filter(Boolean) : []);

// the residence item with its mobile optional, so that a case may have none
function optionalPhoneTree(dir) {
  const tree = path.join(dir, 'tree');
  fs.cpSync(WINDOW_TREE, tree, { recursive: true });
  const f = path.join(tree, 'hall', 'residence.md');
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/^(phone +\| 联系电话 +\| cn_mobile +\|) required$/m, '$1'));
  return tree;
}

const HALL_PHONE = '0535-7000000';
const RETURNED_HEAD = '您在社区便民服务中心办理的「居住登记」需要补正。请打开您提交时保存的办件链接，'
  + '查看要补正的内容，改好后在网上重新提交；';
const AT_HALL = '找不到链接的，请带上身份证件到综合窗口，工作人员核对后会帮您找到这件办件。';

// A web case returned from pre-review, and the text queued for it.
async function returnedText(h) {
  const w = await residentCase(h, { channel: 'web', prereview: true });
  assert.equal((await h.spost(`/api/v1/staff/cases/${w.id}/return`, { reason: '照片不清楚' })).status, 200);
  const n = (await h.sget('/api/v1/staff/notifications')).body.notifications
    .find((x) => x.case === w.id && x.kind === 'returned');
  assert.ok(n, 'queued');
  return n.text;
}

describe('with a sender and --public-url', () => {
  const h = useWindow({ tree: optionalPhoneTree,
    args: ['--notify-command', `${SEND} ${OUT}`, '--public-url', PUBLIC, '--hall-phone', HALL_PHONE] });
  const sql = (text) => execFileSync('sqlite3', [path.join(h.ctx.tmp, 'x.db')], { input: text, encoding: 'utf8' }).trim();
  let web, kiosk;

  it('the search finds the web cases holding the mobile or ID number, masked, with the tail a text goes to', async () => {
    kiosk = await residentCase(h); // the same mobile, at the kiosk: it has a slip, no link
    web = await residentCase(h, { channel: 'web', prereview: true });
    for (const number of [MOBILE, '138 0013 8000', '+86 138-0013-8000', '１３８００１３８０００', ID, ID.toLowerCase()]) {
      const r = await h.spost('/api/v1/staff/web-cases/search', { number });
      assert.equal(r.status, 200, `${number}: ${r.text}`);
      assert.match(r.headers.get('cache-control') ?? '', /no-store/);
      assert.deepEqual(r.body.cases.map((c) => c.id), [web.id], number);
      const [c] = r.body.cases;
      assert.equal(c.channel, 'web');
      assert.equal(c.status, 'prereview');
      assert.equal(c.sms_to, MOBILE.slice(-4));
      assert.match(c.created_at, /^\d{4}-\d\d-\d\dT/);
      assert.ok(!JSON.stringify(r.body).includes(ID) && !JSON.stringify(r.body).includes(MOBILE),
        'a list shows no number in full');
    }
    const none = await h.spost('/api/v1/staff/web-cases/search', { number: '13900139000' });
    assert.deepEqual(none.body.cases, []);
  });

  it('the public GET /api/v1/hall tells the pages at home that this hall texts lost links', async () => {
    const r = await h.get('/api/v1/hall');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { link_sms: true, phone: HALL_PHONE });
  });

  // The text of a return says what the pages at home say of a lost link:
  // here, phone the hall (its own number, not the item's office) for a
  // text; a case with no mobile cannot get one, and is sent to the window.
  it('a returned web case is told to phone the hall for a text of a lost link, one without a mobile the window', async () => {
    assert.equal(await returnedText(h), RETURNED_HEAD
      + `找不到链接的，请打电话 ${HALL_PHONE} 问大厅，工作人员核对后会用短信把办件链接发到您办理时填写的手机上。`);
    const c = (await h.post('/api/v1/cases', { procedure: 'residence', channel: 'web' })).body;
    for (const [p, b] of [['conditions', { confirmed: [true] }], ['steps/0', { checklist: { 's0-0': true, 's0-1': true } }],
      ['steps/1', { fields: { name: '张晓梅', id_number: ID, proxy: 'no' } }], ['submit', { prereview: true }]]) {
      const r = await h.post(`/api/v1/cases/${c.id}/${p}`, b);
      assert.ok(r.status < 300, `${p}: ${r.status} ${r.text}`);
    }
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '照片不清楚' })).status, 200);
    const n = (await h.sget('/api/v1/staff/notifications')).body.notifications.find((x) => x.case === c.id);
    assert.equal(n.text, RETURNED_HEAD + AT_HALL);
  });

  it('the case view says whether a link can be texted, and to which tail', async () => {
    const v = (await h.sget(`/api/v1/staff/cases/${web.id}`)).body;
    assert.equal(v.sms_to, MOBILE.slice(-4));
    assert.equal(v.link_sms, true);
    const kv = (await h.sget(`/api/v1/staff/cases/${kiosk.id}`)).body;
    assert.equal(kv.sms_to, null, 'a kiosk case has no link to send');
    assert.equal(kv.link_sms, false);
    // the resident's own case says whether a lost link can be texted to it
    // (the link box at home promises the text only then)
    assert.equal((await h.get(`/api/v1/cases/${web.id}`)).body.link_by_sms, true);
    assert.equal((await h.get(`/api/v1/cases/${kiosk.id}`)).body.link_by_sms, false);
  });

  it('the search refuses what is neither a mobile nor an ID number, and needs a session and its token', async () => {
    for (const number of ['8000', '1380013800', '11010519491231002', 'A017', '']) {
      assertError(await h.spost('/api/v1/staff/web-cases/search', { number }), 422, 'bad_number');
    }
    assertError(await h.spost('/api/v1/staff/web-cases/search', {}), 422, 'bad_number');
    assertError(await h.post('/api/v1/staff/web-cases/search', { number: MOBILE }), 401, 'not_logged_in');
    assertError(await h.post('/api/v1/staff/web-cases/search', { number: MOBILE }, { Cookie: h.staff.cookie }),
      403, 'csrf_failed');
  });

  it('send-link texts the link to the mobile on file, with an event naming the staffer', async () => {
    const r = await h.spost(`/api/v1/staff/cases/${web.id}/send-link`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.link_sent, { sms_to: MOBILE.slice(-4) });
    assert.equal(r.body.id, web.id, 'the case view');
    const ev = r.body.events.filter((e) => e.what === 'link_sent');
    assert.equal(ev.length, 1);
    assert.equal(ev[0].user, 'wang');
    assert.equal(ev[0].detail, null, 'neither the number nor the link in the history');
    const row = await until(() => lines(OUT).find((l) => l.includes('\tlink\t')), 10_000, 'the text');
    const [ticket, phone, kind, text] = row.split('\t');
    assert.deepEqual([ticket, phone, kind], ['', MOBILE, 'link']);
    assert.ok(text.includes(` ${PUBLIC}/#/case/${web.id} `), text);
    assert.match(text, /^您在社区便民服务中心办理的「居住登记」的办件链接是 /);
    assert.match(text, /不要转发/);
    assert.ok(!text.includes(ID), 'no ID number');
    // listed for staff, done by the command, the id never shown
    const n = await until(async () => {
      const l = (await h.sget('/api/v1/staff/notifications')).body.notifications;
      const x = l.find((y) => y.case === web.id && y.kind === 'link');
      return x && x.done ? x : null;
    }, 5_000, 'done in the list');
    assert.equal(n.done_by, 'notify-command');
    assert.equal(n.phone, MOBILE);
    assert.ok(!n.text.includes(web.id), n.text);
    assert.ok(n.text.includes(`${PUBLIC}/#/case/…`), n.text);
  });

  it('again within 10 minutes: 429 link_too_soon with Retry-After, nothing queued', async () => {
    const r = await h.spost(`/api/v1/staff/cases/${web.id}/send-link`, {}, h.staff2);
    assertError(r, 429, 'link_too_soon');
    const after = Number(r.headers.get('retry-after'));
    assert.ok(after >= 1 && after <= 600, String(after));
    await sleep(500);
    assert.equal(lines(OUT).filter((l) => l.includes('\tlink\t')).length, 1);
    const v = (await h.sget(`/api/v1/staff/cases/${web.id}`)).body;
    assert.equal(v.events.filter((e) => e.what === 'link_sent').length, 1, 'no event for a refusal');
  });

  it('three a day at most: the fourth is 429 link_limit until the first is a day old', async () => {
    // the earlier texts as if sent 11 minutes before, each time
    const age = () => sql(`UPDATE notifications SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '-11 minutes') WHERE kind = 'link';`);
    for (let i = 2; i <= 3; i++) {
      age();
      const r = await h.spost(`/api/v1/staff/cases/${web.id}/send-link`);
      assert.equal(r.status, 200, `text ${i}: ${r.text}`);
      await until(() => lines(OUT).filter((l) => l.includes('\tlink\t')).length === i, 10_000, `text ${i}`);
      await until(async () => (await h.sget('/api/v1/staff/notifications')).body.notifications
        .filter((x) => x.case === web.id && x.kind === 'link').every((x) => x.done), 5_000, 'sent');
    }
    age();
    const r = await h.spost(`/api/v1/staff/cases/${web.id}/send-link`);
    assertError(r, 429, 'link_limit');
    const after = Number(r.headers.get('retry-after'));
    // the first was sent 33 minutes "ago": it leaves the day in about 23.5 hours
    assert.ok(after > 22 * 3600 && after <= 24 * 3600, String(after));
  });

  it('a case not started from home has no link: 409 not_web', async () => {
    assertError(await h.spost(`/api/v1/staff/cases/${kiosk.id}/send-link`), 409, 'not_web');
    assertError(await h.spost(`/api/v1/staff/cases/${'0'.repeat(32)}/send-link`), 404, 'unknown_case');
  });

  it('a web case without a mobile: 409 no_mobile', async () => {
    const c = (await h.post('/api/v1/cases', { procedure: 'residence', channel: 'web' })).body;
    for (const [p, b] of [['conditions', { confirmed: [true] }], ['steps/0', { checklist: { 's0-0': true, 's0-1': true } }],
      ['steps/1', { fields: { name: '张晓梅', id_number: ID, proxy: 'no' } }]]) {
      const r = await h.post(`/api/v1/cases/${c.id}/${p}`, b);
      assert.ok(r.status < 300, `${p}: ${r.status} ${r.text}`);
    }
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/send-link`), 409, 'no_mobile');
    assert.equal((await h.get(`/api/v1/cases/${c.id}`)).body.link_by_sms, false, 'its box promises no text');
  });

  it('needs a session and its CSRF token', async () => {
    assertError(await h.post(`/api/v1/staff/cases/${web.id}/send-link`), 401, 'not_logged_in');
    assertError(await h.post(`/api/v1/staff/cases/${web.id}/send-link`, {}, { Cookie: h.staff.cookie }), 403, 'csrf_failed');
  });

  it('the daemon log holds neither the number nor the case id', () => {
    const log = h.ctx.daemon.stderr();
    assert.ok(!log.includes(MOBILE) && !log.includes(ID) && !log.includes(web.id), log.slice(-2000));
  });
});

describe('without a sender: a link must not be read aloud', () => {
  const h = useWindow({ args: ['--public-url', PUBLIC] });

  it('409 no_sms, nothing listed', async () => {
    assert.equal((await h.get('/api/v1/hall')).body.link_sms, false, 'the pages at home are told');
    const web = await residentCase(h, { channel: 'web', prereview: true });
    assert.equal((await h.sget(`/api/v1/staff/cases/${web.id}`)).body.link_sms, false, 'the page is told');
    assert.equal((await h.get(`/api/v1/cases/${web.id}`)).body.link_by_sms, false, 'and the resident\'s');
    assertError(await h.spost(`/api/v1/staff/cases/${web.id}/send-link`), 409, 'no_sms');
    const l = (await h.sget('/api/v1/staff/notifications')).body.notifications;
    assert.equal(l.filter((x) => x.kind === 'link').length, 0);
  });
});

describe('without --public-url: the daemon does not know the address residents use', () => {
  const h = useWindow({ args: ['--notify-command', `${SEND} ${path.join(tmp, 'unused.txt')}`] });

  it('409 no_public_url', async () => {
    assert.equal((await h.get('/api/v1/hall')).body.link_sms, false, 'the pages at home are told');
    const web = await residentCase(h, { channel: 'web', prereview: true });
    assert.equal((await h.sget(`/api/v1/staff/cases/${web.id}`)).body.link_sms, false, 'the staff page is told');
    assertError(await h.spost(`/api/v1/staff/cases/${web.id}/send-link`), 409, 'no_public_url');
  });

  // the return's text is sent (a sender runs), but no link can follow it:
  // not 请打电话 (the item's phone), whose call could get nothing
  it('a returned web case is told the window for a lost link', async () => {
    assert.equal(await returnedText(h), RETURNED_HEAD + AT_HALL);
  });
});
