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

// --- the practice files' ID numbers --------------------------------------

function practiceFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.')) out.push(...practiceFiles(p));
    else if (e.name.endsWith('.practice.md')) out.push(p);
  }
  return out;
}

// [{file, title, story, values}] for every scenario of the sample library
function scenarios() {
  const out = [];
  for (const file of practiceFiles(SAMPLE_TREE)) {
    const parts = fs.readFileSync(file, 'utf8').split(/^## /m).slice(1);
    for (const part of parts) {
      const [head, rest] = part.split(/\n([\s\S]*)/);
      const [story, block] = rest.split('```case');
      const values = Object.fromEntries([...block.matchAll(/^(\w+)\s*=\s*(.*?)\s*$/gm)].map((m) => [m[1], m[2]]));
      out.push({ file: path.relative(SAMPLE_TREE, file), title: head.trim(), story: story.trim(), values });
    }
  }
  return out;
}

// GB 11643: the 17th character is odd for a man, even for a woman
const sexOf = (idn) => (Number(idn[16]) % 2 ? 'M' : 'F');
const MAN = ['先生', '大爷', '老先生', '大哥'];
const WOMAN = ['女士', '大娘', '奶奶', '阿姨', '大姐'];

describe('the sample practice scenarios\' ID numbers', () => {
  // An ID number whose sex digit contradicts the person in front of the
  // window is what a trained eye stops at: an "accept" on it teaches staff
  // to look past it (procedures/README.md: faults no validator sees are
  // return scenarios, everything else holds).
  it('the applicant\'s sex digit agrees with the story, the mother\'s and father\'s with their role', () => {
    const all = scenarios();
    assert.ok(all.length >= 60, `only ${all.length} scenarios read`);
    const wrong = [];
    let seen = 0;
    for (const { file, title, story, values } of all) {
      if (values.mother_id) { seen++; if (sexOf(values.mother_id) !== 'F') wrong.push(`${file} / ${title}: mother_id`); }
      if (values.father_id) { seen++; if (sexOf(values.father_id) !== 'M') wrong.push(`${file} / ${title}: father_id`); }
      if (!values.name || !/^[0-9]{17}[0-9Xx]$/.test(values.id_number ?? ''))
        continue;
      // the story opens on the applicant: 「孙先生，33 岁，……」
      const m = new RegExp(`^${values.name[0]}(${[...MAN, ...WOMAN].join('|')})，`).exec(story);
      if (!m)
        continue;
      seen++;
      const want = MAN.includes(m[1]) ? 'M' : 'F';
      if (sexOf(values.id_number) !== want)
        wrong.push(`${file} / ${title}: ${m[0]} but id_number ${values.id_number}`);
    }
    assert.ok(seen >= 40, `only ${seen} ID numbers compared`);
    assert.deepEqual(wrong, []);
  });

  it('no ID number is given to two different people', () => {
    const holder = new Map();
    const wrong = [];
    for (const { file, title, values } of scenarios()) {
      for (const [k, v] of Object.entries(values)) {
        if (!/(^|_)id(_number)?$/.test(k) || !/^[0-9]{17}[0-9Xx]$/.test(v))
          continue;
        const nameKey = k === 'id_number' ? 'name' : k.replace(/_id(_number)?$/, '_name');
        const who = values[nameKey] ?? `${file} / ${title} ${k}`;
        const had = holder.get(v);
        if (had && had.who !== who)
          wrong.push(`${v}: ${had.who} (${had.where}) and ${who} (${file} / ${title})`);
        else if (!had)
          holder.set(v, { who, where: `${file} / ${title}` });
      }
    }
    assert.deepEqual(wrong, []);
  });
});
