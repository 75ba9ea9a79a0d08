// A street office's halls share one library, each with its own address,
// hours and phone (docs/deployment.md, "Many halls"). `serve --hall-location`,
// `--hall-hours` and `--hall-phone` fill in the procedures that leave them
// out or empty: the kiosk's page, the printed sheet and the staff's case
// view give that hall's. A procedure's own value stays; a policy, whose page
// says to ask at the window or by phone, gets them too.
// The stored pages are rendered again, with a new ETag, when the values
// change between two starts on one database, so that no page and no
// browser's copy keeps the old phone. The slip and the notices name the
// hall that issued them (`--hall-name`).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, startDaemon, stopChecked, makeTmp, writeTree, request, addUser, login } from './helpers.mjs';
import { proc, PW } from './admin-helpers.mjs';

const files = {
  'hall/README.md': '# 大厅\n\n事项。\n',
  'hall/bare.md': proc('没有地点的事项'),
  'hall/own.md': proc('自己有电话的事项', { front: 'phone: 0535-1111111\nlocation:\n' }),
  'hall/rule.md': '---\nkind: policy\n---\n# 一项政策\n\n政策的说明。\n\n## 注意事项\n- 说明\n',
};
const HALL = ['--hall-name', '幸福路社区便民服务中心', '--hall-location', '幸福路88号 一楼综合窗口', '--hall-hours', '周一至周五 9:00-17:00',
  '--hall-phone', '0535-2222222'];

async function meta(d, id) {
  const r = await request(`${d.url}/api/v1/procedures/${id}`);
  assert.equal(r.status, 200, r.text);
  return { meta: r.body.meta, etag: r.headers.get('etag') };
}

// One tree of `files` and one database, the daemon restarted on them with
// other options: h.restart(args), h.d the daemon, h.tree, h.db.
function useRestarts() {
  const h = { tmp: null, tree: null, db: null, d: null };
  before(() => {
    h.tmp = makeTmp();
    h.tree = writeTree(path.join(h.tmp, 'tree'), files);
    h.db = path.join(h.tmp, 'x.db');
  });
  after(() => stopChecked(h.d, h.tmp));
  h.restart = async (args) => {
    if (h.d) assert.equal((await h.d.stop()).code, 0, h.d.stderr());
    h.d = await startDaemon({ tree: h.tree, db: h.db, args });
  };
  return h;
}

describe('the hall\'s own contact details', () => {
  const h = useRestarts();

  it('fill a procedure or a policy that has none, and an empty one, never a value it gives', async () => {
    await h.restart(HALL);
    const bare = await meta(h.d, 'bare');
    assert.equal(bare.meta.location, '幸福路88号 一楼综合窗口');
    assert.equal(bare.meta.hours, '周一至周五 9:00-17:00');
    assert.equal(bare.meta.phone, '0535-2222222');
    const own = await meta(h.d, 'own');
    assert.equal(own.meta.phone, '0535-1111111');
    assert.equal(own.meta.location, '幸福路88号 一楼综合窗口');
    const rule = await meta(h.d, 'rule');
    assert.equal(rule.meta.phone, '0535-2222222');
    assert.equal(rule.meta.location, '幸福路88号 一楼综合窗口');
    const sheet = await request(`${h.d.url}/print/procedures/bare`);
    assert.equal(sheet.status, 200);
    assert.match(sheet.text, /办理地点[\s\S]{0,80}幸福路88号 一楼综合窗口/);
    assert.match(sheet.text, /0535-2222222/);
    // the one-time notice names the hall that gives it, as its receipts do
    assert.match(sheet.text, /<header><p class="issuer">幸福路社区便民服务中心<\/p>\n<p class="kind">一次性告知单<\/p>/);
  });

  it('reach the staff\'s view of a case', async () => {
    addUser(h.db, 'clerk', 'staff', PW);
    const s = await login(h.d.url, 'clerk', PW);
    const c = await request(`${h.d.url}/api/v1/cases`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ procedure: 'bare' }),
    });
    assert.equal(c.status, 201, c.text);
    const v = await request(`${h.d.url}/api/v1/staff/cases/${c.body.id}`, { headers: { Cookie: s.cookie } });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.meta.phone, '0535-2222222');
    // the slip and the receipt name the hall that issued them, and the
    // receipt gives its contact
    const post = (p, body, sess) => request(`${h.d.url}${p}`, {
      method: 'POST', body: JSON.stringify(body ?? {}),
      headers: sess ? { Cookie: sess.cookie, 'X-CSRF-Token': sess.csrf, 'content-type': 'application/json' }
        : { 'content-type': 'application/json' },
    });
    const id = c.body.id;
    assert.equal((await post(`/api/v1/cases/${id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${id}/submit`)).status, 200);
    // the ticket is called here: the page's 等候地点 is the hall's
    assert.equal((await request(`${h.d.url}/api/v1/cases/${id}`)).body.wait_at, '幸福路88号 一楼综合窗口');
    const slip = await request(`${h.d.url}/print/cases/${id}`);
    assert.match(slip.text, /<p class="kind">幸福路社区便民服务中心 · 排队凭条<\/p>/);
    assert.equal((await post(`/api/v1/staff/cases/${id}/accept`, {}, s)).status, 200);
    const receipt = await request(`${h.d.url}/print/staff/cases/${id}/receipt`, { headers: { Cookie: s.cookie } });
    assert.equal(receipt.status, 200, receipt.text);
    assert.match(receipt.text, /<p class="issuer">幸福路社区便民服务中心<\/p>\n<p class="kind">受理回执/);
    assert.match(receipt.text, /咨询电话<\/dt><dd>0535-2222222/);
  });

  it('changed at the next start render the pages again, under a new ETag', async () => {
    const first = await meta(h.d, 'bare');
    await h.restart(['--hall-phone', '0535-3333333']);
    const hall = await request(`${h.d.url}/api/v1/hall`);
    assert.equal(hall.status, 200, hall.text);
    assert.deepEqual(hall.body, { link_sms: false, phone: '0535-3333333' },
      'the pages at home that show no item name the hall\'s own phone');
    const next = await meta(h.d, 'bare');
    assert.equal(next.meta.phone, '0535-3333333');
    assert.equal(next.meta.location, undefined, 'a value the hall no longer sets is gone');
    assert.notEqual(next.etag, first.etag);
    const again = await request(`${h.d.url}/api/v1/procedures/bare`, { headers: { 'If-None-Match': first.etag } });
    assert.equal(again.status, 200, 'a browser\'s copy with the old phone is not confirmed');
    const sheet = await request(`${h.d.url}/print/procedures/bare`);
    assert.match(sheet.text, /0535-3333333/);
    assert.doesNotMatch(sheet.text, /0535-2222222/);
    assert.doesNotMatch(sheet.text, /issuer|幸福路社区便民服务中心/, 'no --hall-name: no issuer');
  });

  it('set nowhere leave the library as it is', async () => {
    await h.restart([]);
    const none = await meta(h.d, 'bare');
    assert.equal(none.meta.phone, undefined);
    assert.match(none.etag, /^"[0-9a-f]{64}-r\d+"$/);
    const c = await request(`${h.d.url}/api/v1/cases`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ procedure: 'bare' }),
    });
    assert.equal((await request(`${h.d.url}/api/v1/cases/${c.body.id}`)).body.wait_at, null);
    assert.equal((await meta(h.d, 'own')).meta.phone, '0535-1111111');
  });

  it('out of bounds is refused at start, saying which and why', () => {
    for (const bad of [['--hall-phone', 'x'.repeat(201)], ['--hall-hours', '9:00\n17:00']]) {
      const r = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(h.tmp, 'y.db'),
        '--procedures', h.tree, ...bad], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${bad[0]}.*1 to 200 bytes of text on one line`), r.stderr);
    }
  });
});

// A live version whose file this start does not parse again (its new text
// waits for a later `effective`, or has errors) was served as rendered with
// the last run's values, under an ETag claiming this run's (a code
// review): it is rendered again from its stored text. And a phone moved
// from the file to the hall's value is no update: the JSON is the same.
describe('the hall\'s values and versions a start does not parse', () => {
  const h = useRestarts();
  const put = (text) => fs.writeFileSync(path.join(h.tree, 'hall/bare.md'), text);

  it('a live version kept while its new text waits for its date gets the new values', async () => {
    await h.restart(['--hall-phone', '0535-2222222']);
    assert.equal((await meta(h.d, 'bare')).meta.phone, '0535-2222222');
    put(proc('没有地点的事项', { front: 'effective: 2099-01-01\n' }));
    await h.restart(['--hall-phone', '0535-3333333']);
    const m = await meta(h.d, 'bare');
    assert.equal(m.meta.phone, '0535-3333333');
    assert.equal(m.meta.effective, undefined, 'still the live version');
    assert.match((await request(`${h.d.url}/print/procedures/bare`)).text, /0535-3333333/);
    assert.match(h.d.stderr(), /1 served version\(s\) rendered again/);
  });

  it('so does one kept while its file has errors', async () => {
    put(proc('没有地点的事项', { front: 'order: x\n' }));
    await h.restart(['--hall-phone', '0535-4444444']);
    assert.equal((await meta(h.d, 'bare')).meta.phone, '0535-4444444');
  });

  it('a phone moved from the file to the hall\'s value is no update', async () => {
    const moved = (front) => fs.writeFileSync(path.join(h.tree, 'hall/moved.md'), proc('挪了电话的事项', { front }));
    moved('phone: 0535-5555555\nfee: 不收费\n');
    await h.restart(['--hall-phone', '0535-5555555']);
    const before = await request(`${h.d.url}/api/v1/procedures/moved`);
    moved('fee: 不收费\n');
    await h.restart(['--hall-phone', '0535-5555555']);
    const after = await request(`${h.d.url}/api/v1/procedures/moved`);
    assert.notEqual(after.body.hash, before.body.hash);
    assert.deepEqual(after.body.meta, before.body.meta);
    assert.equal(after.body.updated, undefined, `${JSON.stringify(after.body.meta)}`);
  });
});
