// A save marked as an editorial fix (?editorial=1, ours): a typo or a
// wording the admin corrects goes live at once like any save, but
// residents are not told 本事项于…更新 for 30 days about it: the
// procedure's `updated` keeps the date it had (or stays absent). A text
// that waits for its `effective` date is no editorial fix: its day is news.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './helpers.mjs';
import { eventually, get, proc, putSource, sha256 } from './admin-helpers.mjs';
import { useAdminDaemon } from './admin-helpers.mjs';

const h = useAdminDaemon({
  'alpha/README.md': '# 甲类\n\n甲。\n',
  'alpha/one.md': proc('劳动手册'),
  'alpha/two.md': proc('第二项'),
});

const pub = (id) => request(`${h.daemon.url}/api/v1/procedures/${id}`);
const etag = async (id) => (await get(h, `/api/v1/admin/procedures/${id}/source`)).headers.get('etag');

describe('an editorial save', () => {
  it('goes live without telling residents the item was updated', async () => {
    assert.equal((await pub('one')).body.updated, undefined, 'a first version is no update');
    const text = proc('劳动手册', { extra: '\n身份证要带原件。\n' });
    const r = await putSource(h, 'one', text, { 'If-Match': await etag('one') }, { query: '?editorial=1' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.live, true);
    assert.equal(r.body.editorial, true);
    const served = (await pub('one')).body;
    assert.equal(served.hash, sha256(text), 'the fix is live');
    assert.equal(served.updated, undefined, 'no 本事项于…更新 for a typo');
    const listed = (await request(`${h.daemon.url}/api/v1/procedures?category=alpha`)).body.procedures;
    assert.equal(listed.find((p) => p.id === 'one').updated, undefined);
    await eventually(h, () => h.daemon.stderr().includes(
      'spkiosk: admin: boss: alpha/one.md saved (editorial: no update notice)\n'), 'the log says which kind of save');
  });

  it('keeps the date of a real update made before it', async () => {
    const real = proc('劳动手册', { extra: '\n- [ ] 户口簿\n' });
    let r = await putSource(h, 'one', real, { 'If-Match': await etag('one') });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.editorial, undefined, 'only an answer to a save that asked says it');
    const day = (await pub('one')).body.updated;
    assert.match(day, /^\d{4}-\d{2}-\d{2}$/, 'a real change is news');
    r = await putSource(h, 'one', real.replace('户口簿', '户口本'), { 'If-Match': await etag('one') },
      { query: '?editorial=1' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.editorial, true);
    assert.equal((await pub('one')).body.updated, day, 'still the real update\'s notice');
  });

  it('of a text that waits for its effective date is an ordinary save', async () => {
    const text = proc('第二项', { front: 'effective: 2099-01-01\n' });
    const r = await putSource(h, 'two', text, { 'If-Match': await etag('two') }, { query: '?editorial=1' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.live, false);
    assert.equal(r.body.scheduled, '2099-01-01');
    assert.equal(r.body.editorial, false, 'the console says residents will be told on that day');
  });

  // the waiting text was never live: its date brought forward to today
  // makes a new version live, whatever the box says
  it('of a file holding a waiting text is an ordinary save, its date moved or not', async () => {
    const text = proc('第二项', { extra: '\n新的政策。\n' });
    const r = await putSource(h, 'two', text, { 'If-Match': await etag('two') }, { query: '?editorial=1' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.live, true);
    assert.equal(r.body.editorial, false);
    assert.match((await pub('two')).body.updated, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('is asked only by editorial=1', async () => {
    const text = proc('第二项', { extra: '\n别的写法。\n' });
    const r = await putSource(h, 'two', text, { 'If-Match': await etag('two') }, { query: '?editorial=yes' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.editorial, undefined);
    assert.match((await pub('two')).body.updated, /^\d{4}-\d{2}-\d{2}$/);
  });
});
