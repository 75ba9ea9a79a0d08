// Every field type and rule through POST /api/v1/cases/{id}/steps/{n}, over
// tests/fixtures/cases/fields (forms/all.md: step 0 has one optional field of
// each type, step 1 a required and an optional text). Valid values are
// stored normalised (GET shows them); invalid ones give 422 with the field's
// stable code in field_codes and a Chinese message in fields.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, request, getJSON, assertError, useDaemon } from './helpers.mjs';

const ctx = useDaemon({ tree: path.join(ROOT, 'tests', 'fixtures', 'cases', 'fields') });
const api = (p) => `${ctx.daemon.url}${p}`;
const HAN = /[\u3400-\u9fff]/;

function post(p, body) {
  return request(api(p), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}

// ISO 7064 MOD 11-2 check character of 17 digits (GB 11643-1999).
function checkChar(d17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(d17[i]) * w[i];
  return '10X98765432'[s % 11];
}
const cnId = (birth, seq = '123', region = '110105') => {
  const d17 = `${region}${birth}${seq}`;
  return d17 + checkChar(d17);
};
const pad = (n) => String(n).padStart(2, '0');
// Local dates, as the daemon's `today` is the local date.
function localDate(shiftDays = 0, shiftYears = 0) {
  const d = new Date();
  d.setFullYear(d.getFullYear() + shiftYears);
  d.setDate(d.getDate() + shiftDays);
  return { y: d.getFullYear(), m: pad(d.getMonth() + 1), d: pad(d.getDate()) };
}
const iso = ({ y, m, d }) => `${y}-${m}-${d}`;
const compact = ({ y, m, d }) => `${y}${m}${d}`;

const ANY = Symbol('any code');
let caseId = null;
// The one case of this file, made on first use (root hooks and suites do
// not order reliably with useDaemon's hook).
async function ensureCase() {
  if (caseId) return;
  const r = await post('/api/v1/cases', { procedure: 'all' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.steps, 2);
  caseId = r.body.id;
}
const getCase = () => getJSON(api(`/api/v1/cases/${caseId}`));

// Step 0 with only these fields; every other field of it is optional.
async function step0(fields) {
  await ensureCase();
  return post(`/api/v1/cases/${caseId}/steps/0`, { fields });
}

// the public case route shows ID numbers masked to their last four characters
const masked = (id) => '*'.repeat(id.length - 4) + id.slice(-4);
const MASKED_ID = masked('11010519491231002X');

async function accepts(fields, expected) {
  const r = await step0(fields);
  assert.equal(r.status, 200, `${JSON.stringify(fields)} -> ${r.status} ${r.text}`);
  const g = await getCase();
  assert.deepEqual(g.values, expected, `stored values for ${JSON.stringify(fields)}`);
}

async function refuses(key, value, code, what = JSON.stringify(value)) {
  // a known good state first, so that "nothing kept" can be checked
  const before = { name: '基准值' };
  await accepts(before, before);
  const r = await step0({ [key]: value });
  assertError(r, 422, 'validation_failed', `${key}=${what}`);
  assert.deepEqual(Object.keys(r.body.fields), [key], `only ${key} is named: ${r.text}`);
  if (code === ANY) {
    // no documented code for a value of the wrong JSON type: any stable code
    assert.match(r.body.field_codes?.[key] ?? '', /^[a-z][a-z0-9_]*$/, `${key}=${what}: ${r.text}`);
  } else {
    assert.deepEqual(r.body.field_codes, { [key]: code }, `${key}=${what}: ${r.text}`);
  }
  assert.equal(typeof r.body.fields[key], 'string');
  assert.match(r.body.fields[key], HAN, `message not Chinese: ${r.text}`);
  assert.deepEqual(r.body.checklist, []);
  assert.deepEqual((await getCase()).values, before, 'a rejected step keeps nothing');
  if (typeof value === 'string' && value.trim().length >= 5) {
    assert.ok(!r.body.fields[key].includes(value.trim()), `the message repeats the value: ${r.text}`);
  }
  return r.body.fields[key];
}

describe('cn_id', () => {
  it('the national example is accepted', () => accepts({ idn: '11010519491231002X' }, { idn: MASKED_ID }));
  it('a lower-case x is accepted and stored upper-case', () =>
    accepts({ idn: '11010519491231002x' }, { idn: MASKED_ID }));
  it('full-width digits are accepted and stored as ASCII', () =>
    accepts({ idn: '１１０１０５１９４９１２３１００２Ｘ' }, { idn: MASKED_ID }));
  it('surrounding white space is trimmed', () =>
    accepts({ idn: '  11010519491231002X\t' }, { idn: MASKED_ID }));
  it('a computed valid number is accepted', () => {
    const id = cnId('19800229', '456', '370602');
    return accepts({ idn: id }, { idn: masked(id) });
  });
  // 港澳台居民居住证 numbers: address code 810000 / 820000 / 830000
  it('a Taiwan resident\'s residence-permit number (830000…) is accepted', () => {
    const id = cnId('19800229', '456', '830000');
    return accepts({ idn: id }, { idn: masked(id) });
  });
  it('a wrong check digit is cn_id_checksum and the message names the 校验码', async () => {
    const m = await refuses('idn', '110105194912310021', 'cn_id_checksum');
    assert.match(m, /校验码/);
    assert.ok(!m.includes('110105194912310021'), 'the message does not repeat the number');
  });
  it('a birth date in the future is cn_id_future', () => {
    const future = localDate(0, 1);
    return refuses('idn', cnId(`${future.y}0101`), 'cn_id_future');
  });
  it('tomorrow as a birth date is cn_id_future', () => refuses('idn', cnId(compact(localDate(1))), 'cn_id_future'));
  it('a birth date that is no real date is cn_id_birth', () => refuses('idn', cnId('19490230'), 'cn_id_birth'));
  it('17 characters is cn_id_length', () => refuses('idn', '11010519491231002', 'cn_id_length'));
  it('19 characters is cn_id_length', () => refuses('idn', '11010519491231002X1', 'cn_id_length'));
  it('a letter inside is cn_id_chars', () => refuses('idn', '1101051949123100AX', 'cn_id_chars'));
  it('age>=18: exactly 18 today is accepted', () => {
    const id = cnId(compact(localDate(0, -18)));
    return accepts({ adult: id }, { adult: masked(id) });
  });
  it('age>=18: 18 tomorrow is too_young', () => refuses('adult', cnId(compact(localDate(1, -18))), 'too_young'));
  it('age>=18: a ten-year-old is too_young', () => refuses('adult', cnId(compact(localDate(0, -10))), 'too_young'));
});

describe('cn_mobile', () => {
  it('+86 138-0013-8000 is stored as 13800138000', () =>
    accepts({ mobile: '+86 138-0013-8000' }, { mobile: '13800138000' }));
  it('0086 and 86 prefixes are accepted', async () => {
    await accepts({ mobile: '0086 139 1234 5678' }, { mobile: '13912345678' });
    await accepts({ mobile: '8615912345678' }, { mobile: '15912345678' });
  });
  it('full-width digits are accepted', () => accepts({ mobile: '１３８００１３８０００' }, { mobile: '13800138000' }));
  it('a second digit outside 3-9 is cn_mobile', () => refuses('mobile', '12800138000', 'cn_mobile'));
  it('ten digits is cn_mobile', () => refuses('mobile', '1380013800', 'cn_mobile'));
  it('twelve digits is cn_mobile', () => refuses('mobile', '138001380001', 'cn_mobile'));
  it('a landline is cn_mobile', () => refuses('mobile', '0535-1234567', 'cn_mobile'));
});

describe('phone', () => {
  it('a landline with area code is accepted', () => accepts({ tel: '0535-1234567' }, { tel: '0535-1234567' }));
  it('a mobile number is accepted and normalised', () => accepts({ tel: '+86 138 0013 8000' }, { tel: '13800138000' }));
  it('a number without area code is phone', () => refuses('tel', '7654321', 'phone'));
  it('letters are phone', () => refuses('tel', '0535-ABCDEFG', 'phone'));
});

describe('email', () => {
  it('an address is accepted', () => accepts({ mail: 'resident@example.com' }, { mail: 'resident@example.com' }));
  it('no dotted domain is email', () => refuses('mail', 'resident@localhost', 'email'));
  it('two @ is email', () => refuses('mail', 'a@b@example.com', 'email'));
  it('no @ is email', () => refuses('mail', 'resident.example.com', 'email'));
});

describe('same_as', () => {
  it('equal addresses are accepted', () =>
    accepts({ mail: 'resident@example.com', mail2: 'resident@example.com' },
      { mail: 'resident@example.com', mail2: 'resident@example.com' }));
  it('a mismatch is not_same on the confirming field only', async () => {
    await accepts({ name: '基准值' }, { name: '基准值' });
    const r = await step0({ mail: 'resident@example.com', mail2: 'other@example.com' });
    assertError(r, 422, 'validation_failed');
    assert.deepEqual(r.body.field_codes, { mail2: 'not_same' }, r.text);
    assert.match(r.body.fields.mail2, HAN);
    assert.deepEqual((await getCase()).values, { name: '基准值' });
  });
  it('a confirmation without the field it confirms is not_same', () =>
    refuses('mail2', 'resident@example.com', 'not_same'));
});

describe('date', () => {
  it('today is accepted for not_after=today', () => {
    const t = iso(localDate());
    return accepts({ day: t }, { day: t });
  });
  it('a past leap day is accepted', () => accepts({ day: '2024-02-29' }, { day: '2024-02-29' }));
  it('tomorrow is date_too_late for not_after=today', () => refuses('day', iso(localDate(1)), 'date_too_late'));
  it('29 February of a common year is date_not_real', () => refuses('day', '2023-02-29', 'date_not_real'));
  it('text is date', () => refuses('day', '昨天', 'date'));
  // the contract's date is YYYY-MM-DD; the slash is the visit form's alone
  it('2024/03/01 is date', () => refuses('day', '2024/03/01', 'date'));
  it('not_before: the bound itself is accepted', () => accepts({ since: '2020-01-01' }, { since: '2020-01-01' }));
  it('not_before: the day before is date_too_early', () => refuses('since', '2019-12-31', 'date_too_early'));
  it('age>=16 on a date of birth: 16 today is accepted', () => {
    const b = iso(localDate(0, -16));
    return accepts({ born: b }, { born: b });
  });
  it('age>=16: 16 tomorrow is too_young', () => refuses('born', iso(localDate(1, -16)), 'too_young'));
  it('age<=60: 60 until the 61st birthday is accepted', () => {
    const b = iso(localDate(1, -61));
    return accepts({ born: b }, { born: b });
  });
  it('age<=60: 61 today is too_old', () => refuses('born', iso(localDate(0, -61)), 'too_old'));
});

describe('number', () => {
  it('a number within min/max is accepted', () => accepts({ count: '5' }, { count: '5' }));
  it('the bounds are inclusive', async () => {
    await accepts({ count: '1' }, { count: '1' });
    await accepts({ count: '10' }, { count: '10' });
  });
  it('a JSON number is accepted', () => accepts({ count: 7 }, { count: '7' }));
  it('below min is too_small', () => refuses('count', '0', 'too_small'));
  it('above max is too_large', () => refuses('count', '11', 'too_large'));
  it('a JSON number above max is too_large', () => refuses('count', 11, 'too_large'));
  it('text is not_a_number', () => refuses('count', '五', 'not_a_number'));
  it('a JSON boolean is a field error', () => refuses('count', true, ANY));
});

describe('text', () => {
  it('max=20 counts characters: 20 汉字 are accepted', () =>
    accepts({ name: '测'.repeat(20) }, { name: '测'.repeat(20) }));
  it('21 汉字 are too_long', () => refuses('name', '测'.repeat(21), 'too_long'));
  it('surrounding white space is trimmed', () => accepts({ name: '  李四\n' }, { name: '李四' }));
  it('a JSON number is a field error', () => refuses('name', 12, ANY));
  // true/false are for a yesno only (docs/http-api.md): a text given one is
  // refused, not kept as the word "yes" (a mutation review found it unpinned)
  it('a JSON boolean is a field error', () => refuses('name', true, ANY));
  it('min=2 counts characters: one 汉字 is too_short', () => refuses('nick', '王', 'too_short'));
  it('min=2 max=4: 2 and 4 汉字 are accepted', async () => {
    await accepts({ nick: '老王' }, { nick: '老王' });
    await accepts({ nick: '王老师傅' }, { nick: '王老师傅' });
  });
  it('max=4: 5 汉字 are too_long', () => refuses('nick', '王老师傅们', 'too_long'));
  it('a text with U+0000 is refused or kept whole, never cut short', async () => {
    await accepts({ name: '基准值' }, { name: '基准值' });
    const r = await step0({ name: '张\u0000三' });
    if (r.status === 422) {
      assertError(r, 422, 'validation_failed');
      assert.deepEqual(Object.keys(r.body.fields), ['name'], r.text);
      assert.deepEqual((await getCase()).values, { name: '基准值' });
    } else {
      assert.equal(r.status, 200, r.text);
      assert.equal((await getCase()).values.name, '张\u0000三', 'stored as sent (less the trimming)');
    }
  });
  it('direction overrides, isolates, C1 controls and line separators are bad_text, as in staff texts', async () => {
    for (const ch of ['\u202e', '\u2067', '\u200f', '\u0085', '\u2029']) {
      const r = await step0({ name: `张${ch}三` });
      assertError(r, 422, 'validation_failed', JSON.stringify(ch));
      assert.equal(r.body.field_codes.name, 'bad_text', r.text);
    }
  });
  it('a pattern is matched against the whole value, U+0000 and all', async () => {
    await accepts({ name: '基准值' }, { name: '基准值' });
    const r = await step0({ zip: '264000\u0000abc' });
    assertError(r, 422, 'validation_failed', `then GET values: ${JSON.stringify((await getCase()).values)}`);
    assert.deepEqual(Object.keys(r.body.fields), ['zip'], r.text);
  });
  it('a value over 4096 bytes is a field error, not a 500', async () => {
    const r = await step0({ name: '测'.repeat(2000) });
    assertError(r, 422, 'validation_failed');
    assert.deepEqual(Object.keys(r.body.fields), ['name'], r.text);
  });
});

describe('bank_card', () => {
  it('typed in groups of four is stored as digits and shown by its last four', async () => {
    await ensureCase();
    const r = await step0({ card: '6222 0212 3456 7890' });
    assert.equal(r.status, 200, r.text);
    const g = await getCase();
    assert.equal(g.values.card, '************7890', 'the public case masks it like an ID number');
    assert.ok(!JSON.stringify(g).includes('62220212'), 'never in full on the public route');
  });
  it('hyphens and full-width digits are read too', () => accepts({ card: '６２２２-０２１２-３４５６' },
    { card: '********3456' }));
  it('11 digits, 20 digits or a letter are bank_card', async () => {
    await refuses('card', '62220212345', 'bank_card');
    await refuses('card', '62220212345678901234', 'bank_card');
    await refuses('card', '6222021234567X', 'bank_card');
  });
});

describe('choice', () => {
  it('an option is accepted', () => accepts({ edu: '初中' }, { edu: '初中' }));
  it('anything else is not_an_option', () => refuses('edu', '大学', 'not_an_option'));
  it('the options string itself is not_an_option', () => refuses('edu', '小学/初中', 'not_an_option'));
});

describe('yesno', () => {
  it('JSON true is stored as yes, false as no', async () => {
    await accepts({ agree: true }, { agree: 'yes' });
    await accepts({ agree: false }, { agree: 'no' });
  });
  it('"yes" and "no" are accepted', async () => {
    await accepts({ agree: 'yes' }, { agree: 'yes' });
    await accepts({ agree: 'no' }, { agree: 'no' });
  });
  it('"maybe" is yesno', () => refuses('agree', 'maybe', 'yesno'));
  it('a JSON number is a field error', () => refuses('agree', 1, ANY));
});

describe('pattern', () => {
  it('a whole match is accepted', () => accepts({ zip: '264000' }, { zip: '264000' }));
  it('too few digits is pattern', () => refuses('zip', '26400', 'pattern'));
  it('the pattern must match the whole value', () => refuses('zip', '2640001', 'pattern'));
  it('letters are pattern', () => refuses('zip', 'abcdef', 'pattern'));
  // a Chinese input method's digits, in a field that takes only digits
  it('full-width digits of a digit run are read as digits', () => accepts({ zip: '２６４０００' }, { zip: '264000' }));
});

describe('values that are no text', () => {
  for (const [what, v] of [['an object', { value: '张三' }], ['an array', ['张三']]]) {
    it(`${what} is a field error, not a 500`, async () => {
      await accepts({ name: '基准值' }, { name: '基准值' });
      const r = await step0({ name: v, idn: v, count: v, agree: v });
      assertError(r, 422, 'validation_failed', what);
      assert.deepEqual(Object.keys(r.body.fields).sort(), ['agree', 'count', 'idn', 'name'], r.text);
      for (const m of Object.values(r.body.fields)) assert.match(m, HAN);
      assert.deepEqual((await getCase()).values, { name: '基准值' });
    });
  }
  it('JSON null counts as absent', () => accepts({ name: null, idn: null }, {}));
});

describe('every failing field at once', () => {
  it('fifteen bad values give fifteen field errors', async () => {
    const r = await step0({
      idn: '110105194912310021', adult: cnId(compact(localDate(0, -10))), mobile: '12800138000',
      tel: '123', mail: 'x@y', mail2: 'z@example.com', day: iso(localDate(1)), count: '11',
      name: '测'.repeat(21), edu: '大学', agree: 'maybe', zip: '1', born: iso(localDate(0, -61)),
      since: '2019-01-01', nick: '王',
    });
    assertError(r, 422, 'validation_failed');
    assert.deepEqual(r.body.field_codes, {
      idn: 'cn_id_checksum', adult: 'too_young', mobile: 'cn_mobile', tel: 'phone', mail: 'email',
      mail2: 'not_same', day: 'date_too_late', count: 'too_large', name: 'too_long',
      edu: 'not_an_option', agree: 'yesno', zip: 'pattern', born: 'too_old', since: 'date_too_early',
      nick: 'too_short',
    }, r.text);
    assert.deepEqual(Object.keys(r.body.fields).sort(), Object.keys(r.body.field_codes).sort());
  });

  it('all fifteen valid are stored together', async () => {
    const adult = cnId('19900101');
    await accepts({
      idn: '11010519491231002x', adult, mobile: '+86 138-0013-8000', tel: '0535-1234567',
      mail: 'resident@example.com', mail2: 'resident@example.com', day: '2025-01-02', count: 3,
      name: '王小明', edu: '高中', agree: true, zip: '264000', born: '1980-05-06', since: '2021-03-04',
      nick: ' 小明 ',
    }, {
      idn: MASKED_ID, adult: masked(adult), mobile: '13800138000', tel: '0535-1234567',
      mail: 'resident@example.com', mail2: 'resident@example.com', day: '2025-01-02', count: '3',
      name: '王小明', edu: '高中', agree: 'yes', zip: '264000', born: '1980-05-06', since: '2021-03-04',
      nick: '小明',
    });
  });
});

describe('required and optional', () => {
  it('an empty step 0 (all optional) is accepted and stores nothing', async () => {
    await accepts({}, {});
    const g = await getCase();
    assert.equal(g.step, 1);
  });

  it('a required field missing, empty or blank is required', async () => {
    for (const fields of [{}, { must: '' }, { must: '   ' }, { must: null }, { extra: '补充' }]) {
      const r = await post(`/api/v1/cases/${caseId}/steps/1`, { fields });
      assertError(r, 422, 'validation_failed', JSON.stringify(fields));
      assert.deepEqual(r.body.field_codes, { must: 'required' }, r.text);
      assert.match(r.body.fields.must, HAN);
    }
  });

  it('an optional field left empty is absent from values', async () => {
    for (const extra of ['', '   ', null, undefined]) {
      const r = await post(`/api/v1/cases/${caseId}/steps/1`, { fields: { must: '幸福路 1 号', extra } });
      assert.equal(r.status, 200, r.text);
      const g = await getCase();
      assert.deepEqual(g.values, { must: '幸福路 1 号' }, `extra=${JSON.stringify(extra)}`);
      assert.ok(!('extra' in g.values));
    }
  });
});

describe('concurrent corrections', () => {
  it('the stored values are one whole submission, never a mix', async () => {
    await ensureCase();
    const sets = Array.from({ length: 16 }, (_, i) => ({
      name: `甲${i}`, nick: `乙${i}`, count: String((i % 10) + 1), zip: String(100000 + i),
    }));
    const rs = await Promise.all(sets.map((f) => step0(f)));
    for (const r of rs) assert.equal(r.status, 200, r.text);
    const { values } = await getCase();
    // step 1's answer (must) is another step's and stays; step 0's are one set
    const step0Values = Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'must'));
    const canon = (o) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
    assert.ok(sets.some((s) => canon(s) === canon(step0Values)), `a mix: ${JSON.stringify(values)}`);
  });
});
