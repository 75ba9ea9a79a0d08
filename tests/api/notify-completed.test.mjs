// 办结告知: a case of an item without pickup that the back office finished
// was told to nobody (the contract's notices are ready, returned and
// rejected), so a resident waiting on a review of weeks learnt of it only by
// asking. `serve --notify-completed` (ours, off by default: the contract's
// list stays as it was) queues a `completed` notice at POST …/complete:
// listed for the staff, sent by --notify-command; none when the case was
// finished at a window in the sitting that accepted it (the resident is
// there: accepted today by the same staffer, who called no one else since),
// nor for a case without a number.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTmp, rmTmp, sleep } from './helpers.mjs';
import { useWindow, residentCase, MOBILE } from './staff-helpers.mjs';

const ID_NUMBER = '11010519850315102X';
const OUTCOME = '已办理居住登记，证件号 11010519850315102X 已核对';

async function completed(h, body = { outcome: OUTCOME }) {
  const c = await residentCase(h, { idNumber: ID_NUMBER });
  let r = await h.spost(`/api/v1/staff/cases/${c.id}/accept`);
  assert.equal(r.status, 200, r.text);
  r = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, body);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'completed');
  return c;
}

const listed = async (h, c) => (await h.sget('/api/v1/staff/notifications')).body.notifications
  .filter((x) => x.case === c.id);

describe('without --notify-completed: the contract\'s list as it was', () => {
  const h = useWindow();

  it('a finished case is told to nobody', async () => {
    const c = await completed(h);
    assert.deepEqual(await listed(h, c), []);
  });
});

describe('--notify-completed: the staff list', () => {
  const h = useWindow({ args: ['--notify-completed'] });

  it('a case finished at the back office is listed to tell, without the outcome', async () => {
    const c = await completed(h);
    const got = await listed(h, c);
    assert.equal(got.length, 1, JSON.stringify(got));
    const [n] = got;
    assert.equal(n.kind, 'completed');
    assert.equal(n.phone, MOBILE);
    assert.equal(n.ticket, c.ticket);
    assert.equal(n.done, null);
    assert.equal(n.text, `您在社区便民服务中心办理的「${n.title}」（${c.ticket}）已办结，不用再来窗口。办理结果如有疑问，请到综合窗口咨询。`);
    assert.ok(!n.text.includes(ID_NUMBER) && !n.text.includes('已核对'), 'never the outcome typed');
  });

  it('none for a case finished at a window the day it was accepted: its resident is there', async () => {
    const c = await completed(h, { outcome: OUTCOME, window: '3' });
    assert.deepEqual(await listed(h, c), []);
  });

  // The window number says where the PC stands, not who is before it: a
  // back-office PC with one set, finishing a case the window accepted that
  // morning, told nobody, and offered a stranger's case on that evaluator.
  it('a case accepted at the window and finished on a colleague\'s PC with a window number: told', async () => {
    const c = await residentCase(h, { idNumber: ID_NUMBER });
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: OUTCOME, window: '6' }, h.staff2);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.rating_offer, null, 'the page does not ask for a rating there');
    const got = await listed(h, c);
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.equal(got[0].kind, 'completed');
    assert.deepEqual((await h.rate('?window=6')).body.offer, null, 'no offer where the resident is not');
  });

  it('finished at the window after the staffer called the next resident: told; in one sitting: not', async () => {
    const c = await residentCase(h, { idNumber: ID_NUMBER });
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    // the next resident is called to window 5 before this one is finished
    const next = await residentCase(h, { idNumber: ID_NUMBER });
    assert.equal((await h.spost(`/api/v1/staff/cases/${next.id}/call`, { window: '5' })).status, 200);
    assert.equal((await h.spost(`/api/v1/staff/cases/${next.id}/accept`)).status, 200);
    let r = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: OUTCOME, window: '5' });
    assert.equal(r.status, 200, r.text);
    assert.equal((await listed(h, c)).length, 1);
    assert.deepEqual((await h.rate('?window=5')).body.offer, null);
    // the one at the desk now is finished in its sitting: not told, rated there
    r = await h.spost(`/api/v1/staff/cases/${next.id}/complete`, { outcome: OUTCOME, window: '05' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.rating_offer, { window: '5' }, 'the page says where to rate');
    assert.deepEqual(await listed(h, next), []);
    assert.equal((await h.rate('?window=5')).body.offer.ticket, next.ticket);
  });

  // 转窗: a colleague sends someone to this window (…/transfer), which is
  // a call there in every way but its event's name and staffer: the one
  // at the desk is that resident now, whoever pressed the button
  it('finished after a colleague sent the next resident to this window: told, not offered there', async () => {
    const c = await residentCase(h, { idNumber: ID_NUMBER });
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    const next = await residentCase(h, { idNumber: ID_NUMBER });
    assert.equal((await h.spost(`/api/v1/staff/cases/${next.id}/call`, { window: '3' }, h.staff2)).status, 200);
    assert.equal((await h.spost(`/api/v1/staff/cases/${next.id}/transfer`, { window: '5' }, h.staff2)).status, 200);
    assert.equal((await h.spost(`/api/v1/staff/cases/${next.id}/accept`)).status, 200);
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: OUTCOME, window: '5' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.rating_offer, null);
    assert.equal((await listed(h, c)).length, 1);
    assert.notEqual((await h.rate('?window=5')).body.offer?.ticket, c.ticket, 'not before the one sent there');
  });

  // one resident, two items: both accepted, then both finished, at one sitting
  it('two cases of one resident accepted one after the other and finished: neither told', async () => {
    const [a, b] = [await residentCase(h, { idNumber: ID_NUMBER }), await residentCase(h, { idNumber: ID_NUMBER })];
    for (const c of [a, b]) assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    for (const c of [a, b]) {
      const r = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: OUTCOME, window: '5' });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(await listed(h, c), []);
    }
  });

  // 窗口接办 is taking a resident on, as an accept without a call is: it
  // says someone sits at the desk (the evaluator's offer of the one before
  // ends, tests/api/rate.test.mjs), not that it is someone else; one
  // resident often brings a ticket and a case started at home. Pinned so
  // that a change of the rule is one made on purpose (the review of 12-07
  // asked which it is).
  it('a web case taken up at the desk before the first is finished: the sitting goes on', async () => {
    const c = await residentCase(h, { idNumber: ID_NUMBER });
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`, { window: '8' })).status, 200);
    const web = await h.post('/api/v1/cases', { procedure: 'residence', channel: 'web' });
    assert.equal((await h.spost(`/api/v1/staff/cases/${web.body.id}/take-up`, { window: '8' })).status, 200);
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: OUTCOME, window: '8' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.rating_offer, { window: '8' });
    assert.deepEqual(await listed(h, c), []);
  });

  it('none for an acceptance alone', async () => {
    const c = await residentCase(h, { idNumber: ID_NUMBER });
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/accept`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(await listed(h, c), []);
  });
});

const tmp = makeTmp('spkiosk-notify-completed-');
after(() => rmTmp(tmp));
const OUT = path.join(tmp, 'sent.txt');
const SEND = path.join(tmp, 'send.sh');
fs.writeFileSync(SEND, '#!/bin/sh\nprintf \'%s\\t%s\\t%s\\n\' "$SPKIOSK_TICKET" "$SPKIOSK_KIND" "$SPKIOSK_TEXT" >> "$1"\n',
  { mode: 0o755 });

describe('--notify-completed with --notify-command', () => {
  const h = useWindow({ args: ['--notify-completed', '--notify-command', `${SEND} ${OUT}`] });

  it('sends it, kind completed', async () => {
    const c = await completed(h);
    const end = Date.now() + 10_000;
    let row;
    while (!(row = (fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '').split('\n')
      .find((l) => l.startsWith(`${c.ticket}\t`)))) {
      if (Date.now() > end) assert.fail('no delivery');
      await sleep(100);
    }
    const [, kind, text] = row.split('\t');
    assert.equal(kind, 'completed');
    assert.match(text, /已办结/);
  });
});
