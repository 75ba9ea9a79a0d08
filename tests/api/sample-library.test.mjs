// What the sample library (procedures/) tells residents and trains staff
// with, where a reading against its own text found it wrong. The kiosk is
// played over HTTP as a resident would; the practice scenarios as a trainee
// would; and the practice files are read for the faults a trained eye sees
// in an ID number that no validator flags.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  SAMPLE_TREE, addUser, authHeaders, login, makeTmp, request, startDaemon, stopChecked,
} from './helpers.mjs';

const PW = 'correct-horse-9';
let daemon;
let tmp;
let staff;

before(async () => {
  tmp = makeTmp();
  const db = path.join(tmp, 'x.db');
  daemon = await startDaemon({ tree: SAMPLE_TREE, db });
  addUser(db, 'trainee', 'staff', PW);
  staff = await login(daemon.url, 'trainee', PW);
});
after(() => stopChecked(daemon, tmp));

const post = (p, body, headers = {}) => request(`${daemon.url}${p}`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function kioskCase(procedure) {
  const c = await post('/api/v1/cases', { procedure, channel: 'kiosk' });
  assert.equal(c.status, 201, c.text);
  const p = await request(`${daemon.url}/api/v1/procedures/${procedure}`);
  const r = await post(`/api/v1/cases/${c.body.id}/conditions`,
    { confirmed: p.body.conditions.map(() => true) });
  assert.equal(r.status, 200, r.text);
  return c.body.id;
}

// a date N months before today, in the daemon's (local) time
function monthsAgo(n) {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - n);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

describe('居民医保参保登记: a newborn without hukou', () => {
  // The step's tip says a newborn not yet registered with the police can be
  // enrolled on the 出生医学证明 alone; the checklist wanted an ID card or
  // hukou and the form an ID number, which such a baby does not have.
  it('is enrolled on the birth certificate and a parent\'s ID card, with no ID number', async () => {
    const id = await kioskCase('resident-medical-enrollment');
    let r = await post(`/api/v1/cases/${id}/steps/0`, { fields: { category: '新生儿', subsidy: 'no' } });
    assert.equal(r.status, 200, r.text);
    r = await post(`/api/v1/cases/${id}/steps/1`,
      { checklist: { birth_certificate: true, parent_id_card: true } });
    assert.equal(r.status, 200, `materials without hukou: ${r.text}`);
    r = await post(`/api/v1/cases/${id}/steps/2`, {
      fields: { name: '李小宝', birth_date: monthsAgo(1), guardian: '李海', mobile: '13912345678' },
    });
    assert.equal(r.status, 200, `form without an ID number: ${r.text}`);
  });

  // 新生儿 is a child under one (the practice file's own words, and now the
  // step's); age<=1 let a child of one and a half through as one.
  it('a child of a year and a half is not a 新生儿', async () => {
    const id = await kioskCase('resident-medical-enrollment');
    let r = await post(`/api/v1/cases/${id}/steps/0`, { fields: { category: '新生儿', subsidy: 'no' } });
    assert.equal(r.status, 200, r.text);
    r = await post(`/api/v1/cases/${id}/steps/1`,
      { checklist: { birth_certificate: true, parent_id_card: true } });
    assert.equal(r.status, 200, r.text);
    r = await post(`/api/v1/cases/${id}/steps/2`, {
      fields: { name: '李小宝', birth_date: monthsAgo(18), guardian: '李海', mobile: '13912345678' },
    });
    assert.equal(r.status, 422, r.text);
    assert.match(r.text, /birth_date/);
  });
});

describe('老年人优待证: the window takes the photo', () => {
  // The item says the window photographs for free and tells staff never to
  // send an old person back for a photo; the checklist still required one.
  it('the materials step passes with the ID card alone', async () => {
    const id = await kioskCase('senior-preferential-card');
    let r = await post(`/api/v1/cases/${id}/steps/0`, { fields: { delivery: '到窗口领取' } });
    assert.equal(r.status, 200, r.text);
    r = await post(`/api/v1/cases/${id}/steps/1`, { checklist: { id_card: true } });
    assert.equal(r.status, 200, `no photo brought: ${r.text}`);
  });
});

describe('养老金待遇领取 practice: a daughter\'s bank card', () => {
  // 白大娘 brings her daughter's card and writes its number twice on the
  // form; a return is judged by the exact set flagged, so a trainee who
  // flags the numbers too (they must be changed as well) must be right.
  const TITLE = '想把养老金发到女儿的卡上';
  it('is returned for the card and both numbers on the form', async () => {
    const auth = authHeaders(staff);
    let s;
    for (let i = 0; i < 10; i++) {
      s = await post('/api/v1/staff/practice/resident-pension-claim', {}, auth);
      assert.equal(s.status, 201, s.text);
      if (s.body.scenario.title === TITLE)
        break;
    }
    assert.equal(s.body.scenario.title, TITLE);
    const a = await post(`/api/v1/staff/practice/${s.body.id}/answer`, {
      decision: 'return', flags: ['payment_card', 'bank_card', 'bank_card_confirm'], condition: 0,
    }, auth);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.correct, true, JSON.stringify(a.body.expected));
  });
});
