// The day's report (GET /api/v1/admin/report) chosen by the Accept header
// as the contract offers it ("Accept: text/csv"), read as HTTP reads it
// (RFC 9110 8.3.1, 12.5.1): a media type in any case is the same type, a
// q of 0 means "not this one", and JSON weighed above CSV stays JSON.
// Before 2026-12-06 `Text/CSV` got JSON and `text/csv;q=0` got CSV.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeTmp, startDaemon, stopChecked, login, request, adminPassword } from './helpers.mjs';

const h = { d: null, tmp: null, admin: null };
before(async () => {
  h.tmp = makeTmp();
  h.d = await startDaemon({ db: path.join(h.tmp, 'x.db') });
  h.admin = await login(h.d.url, 'admin', adminPassword(h.d));
});
after(() => stopChecked(h.d, h.tmp));

const kind = async (accept) => {
  const r = await request(`${h.d.url}/api/v1/admin/report`, { headers: { Cookie: h.admin.cookie, Accept: accept } });
  assert.equal(r.status, 200, `${accept}: ${r.text}`);
  return r.headers.get('content-type').split(';')[0];
};

describe('the report by Accept', () => {
  it('takes text/csv in any case', async () => {
    assert.equal(await kind('text/csv'), 'text/csv');
    assert.equal(await kind('Text/CSV'), 'text/csv');
    assert.equal(await kind('TEXT/CSV; charset=utf-8'), 'text/csv');
  });
  it('refuses CSV at q=0 and keeps JSON weighed above it', async () => {
    assert.equal(await kind('text/csv;q=0'), 'application/json');
    assert.equal(await kind('text/csv; q=0.0, */*'), 'application/json');
    assert.equal(await kind('text/csv;q=0.5, application/json;q=0.9'), 'application/json');
    assert.equal(await kind('application/json;q=0.1, text/csv'), 'text/csv');
  });
  it('keeps JSON for any type and for JSON', async () => {
    assert.equal(await kind('*/*'), 'application/json');
    assert.equal(await kind('text/*'), 'application/json');
    assert.equal(await kind('application/json'), 'application/json');
  });
});
