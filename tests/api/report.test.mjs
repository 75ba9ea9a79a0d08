// The day's report (GET /api/v1/admin/report): a day scripted through the
// real routes — residents hand cases in at the kiosk and on the web, two
// staffers call, accept, return, accept again, complete — with the
// daemon's time zone fixed (UTC+8), then the JSON and the CSV checked
// figure by figure; a date the cases are not on counts nothing; a bad date
// is 422 with a Chinese message; only admins may read it.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertError } from './helpers.mjs';
import { useWindow, residentCase } from './staff-helpers.mjs';

const h = useWindow({ env: { TZ: 'CST-8' } });
// today in UTC+8, as the daemon counts it
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
// A GET as the admin.
async function fetchAs(p, headers = {}) {
  const r = await fetch(h.url(p), { headers: { Cookie: h.admin.cookie, ...headers } });
  // keep a byte order mark: fetch's text() drops it
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await r.arrayBuffer());
  const json = r.headers.get('content-type')?.startsWith('application/json');
  return { status: r.status, headers: r.headers, text, body: json ? JSON.parse(text) : null };
}

const zero = { called: 0, accepted: 0, passed: 0, completed: 0, returned: 0, rejected: 0, visits: 0, followups: 0 };

describe('the day scripted through the routes', () => {
  let day;
  before(async () => {
    const ok = (r, what) => assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
    // A: wang calls and accepts it, returns it, accepts it again; li completes it; rated 5
    const a = await residentCase(h);
    ok(await h.spost(`/api/v1/staff/cases/${a.id}/call`, { window: '1' }), 'call A');
    ok(await h.spost(`/api/v1/staff/cases/${a.id}/accept`), 'accept A');
    ok(await h.spost(`/api/v1/staff/cases/${a.id}/return`, { reason: '请补充户口簿' }), 'return A');
    ok(await h.post(`/api/v1/cases/${a.id}/submit`), 'resubmit A');
    ok(await h.spost(`/api/v1/staff/cases/${a.id}/accept`), 'accept A again');
    ok(await h.spost(`/api/v1/staff/cases/${a.id}/complete`, { outcome: '已办结' }, h.staff2), 'complete A');
    ok(await h.post(`/api/v1/cases/${a.id}/rating`, { score: 5 }), 'rate A');
    // B: li calls it and returns it
    const b = await residentCase(h);
    ok(await h.spost(`/api/v1/staff/cases/${b.id}/call`, {}, h.staff2), 'call B');
    ok(await h.spost(`/api/v1/staff/cases/${b.id}/return`, { reason: '材料不全' }, h.staff2), 'return B');
    // C: handed in, never called: still waiting at the end of the day
    await residentCase(h);
    // D: a web case, handed in to pre-review, not to the queue
    await residentCase(h, { channel: 'web' });
    day = today();
  });

  it('the JSON counts each staffer\'s moves, the channels, the waiting and the rating', async () => {
    const r = await fetchAs(`/api/v1/admin/report?date=${day}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(r.body, {
      date: day,
      users: [
        { user: 'li', ...zero, called: 1, completed: 1, returned: 1 },
        { user: 'wang', ...zero, called: 1, accepted: 2, returned: 1 },
      ],
      channels: { kiosk: 3, window: 0, web: 1 },
      overdue: 0,
      waiting_at_close: 1,
      on_time_rate: null,
      finished: 0,
      on_time: 0,
      ratings: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 },
    });
  });

  it('the same as CSV, by ?format=csv or Accept: text/csv, with the date in the file name', async () => {
    const expected = '\ufeff工作人员,叫号,受理,流转,办结,退回补正,不予办理,上门服务,回访\r\n' +
      'li,1,0,0,1,1,0,0,0\r\nwang,1,2,0,0,1,0,0,0\r\n合计,2,2,0,1,2,0,0,0\r\n\r\n' +
      `项目,数值\r\n日期,${day}\r\n自助机开始办理,3\r\n窗口开始办理,0\r\n网上开始办理,1\r\n` +
      '逾期未办结,0\r\n下班时仍在等候,1\r\n当日办结,0\r\n按期办结,0\r\n按期办结率,\r\n' +
      '评价1分,0\r\n评价2分,0\r\n评价3分,0\r\n评价4分,0\r\n评价5分,1\r\n';
    for (const [p, headers] of [[`/api/v1/admin/report?date=${day}&format=csv`, {}],
      [`/api/v1/admin/report?date=${day}`, { Accept: 'text/csv' }]]) {
      const r = await fetchAs(p, headers);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.equal(r.headers.get('content-disposition'), `attachment; filename="spkiosk-report-${day}.csv"`);
      assert.equal(r.text, expected);
    }
  });

  it('without a date: today', async () => {
    const r = await fetchAs('/api/v1/admin/report');
    assert.equal(r.status, 200);
    assert.equal(r.body.date, day);
    assert.equal(r.body.users.length, 2);
  });

  it('another day counts nothing', async () => {
    const r = await fetchAs('/api/v1/admin/report?date=2026-01-01');
    assert.deepEqual(r.body, {
      date: '2026-01-01', users: [], channels: { kiosk: 0, window: 0, web: 0 }, overdue: 0,
      waiting_at_close: 0, on_time_rate: null, finished: 0, on_time: 0,
      ratings: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
    });
  });
});

describe('refusals', () => {
  it('422 bad_date for a date that is not one, with a Chinese message', async () => {
    for (const d of ['2026-13-01', '2026-02-30', '26-01-01', 'today', '2026-1-1', '1999-12-31']) {
      const r = await fetchAs(`/api/v1/admin/report?date=${encodeURIComponent(d)}`);
      assertError(r, 422, 'bad_date', d);
      assert.match(r.body.error.message, /日期/);
    }
  });

  it('422 bad_format for a format other than json or csv', async () => {
    assertError(await fetchAs('/api/v1/admin/report?format=xlsx'), 422, 'bad_format');
  });

  it('staff and residents may not read it', async () => {
    assert.equal((await h.sget('/api/v1/admin/report')).status, 403);
    assert.equal((await h.get('/api/v1/admin/report')).status, 401);
  });

  it('the page is served', async () => {
    const r = await h.get('/admin/report');
    assert.equal(r.status, 200);
    assert.match(r.text, /report\.js/);
  });
});
