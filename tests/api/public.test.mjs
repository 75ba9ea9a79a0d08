// Public read endpoints against the fixture tree tests/fixtures/tree:
// healthz, categories, procedure list/filter/search, procedure detail
// (every key, fields/rules/if shapes, sanitising, ETag/304/HEAD), triage,
// and the printable sheet.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FIXTURE_TREE, request, getJSON, assertJSONType, assertError, rawRequest, sha256File, allHtml, useDaemon } from './helpers.mjs';

const ctx = useDaemon({ tree: FIXTURE_TREE });

const api = (p) => `${ctx.daemon.url}${p}`;
const ids = (list) => list.map((p) => p.id);
const search = async (q, extra = '') =>
  (await getJSON(api(`/api/v1/procedures?q=${encodeURIComponent(q)}${extra}`))).procedures;

// What the fixture tree serves (README categories in their `order`, then the
// README-less folder `misc`, whose place among categories the contract leaves open).
const CATEGORIES = [
  { id: 'employment', title: '就业服务', description: '失业登记、劳动手册、创业贷款和就业扶持政策。', procedures: 3 },
  { id: 'civil', title: '民政事务', description: '最低生活保障、高龄津贴等民政服务。', procedures: 2 },
  { id: 'residence', title: '户籍与居住', description: '居住登记等户籍与居住事务。', procedures: 1 },
];

const LIST_ITEMS = {
  'labour-handbook': {
    id: 'labour-handbook', title: '劳动手册办理', category: 'employment', kind: 'procedure',
    summary: '为本市户籍失业人员办理劳动手册,用于失业登记和享受就业扶持政策。',
  },
  'startup-loan': {
    id: 'startup-loan', title: '创业担保贷款申请', category: 'employment', kind: 'procedure',
    summary: '为自主经营的城乡居民提供贷款贴息。',
  },
  'employment-policy': {
    id: 'employment-policy', title: '就业扶持政策汇编', category: 'employment', kind: 'policy',
    summary: '本文汇总本社区可享受的就业扶持政策,供居民了解。',
  },
  'elderly-allowance': {
    id: 'elderly-allowance', title: '高龄津贴申请', category: 'civil', kind: 'procedure',
  },
  'subsistence-allowance': {
    id: 'subsistence-allowance', title: '最低生活保障(低保)申请', category: 'civil', kind: 'procedure',
    summary: '家庭人均收入低于本市低保标准的居民,可以申请最低生活保障。',
  },
  'residence-permit': {
    id: 'residence-permit', title: '居住证申领', category: 'residence', kind: 'procedure',
    summary: '在本市居住半年以上的非本市户籍人员可以申领居住证。',
  },
  'hall-notice': {
    id: 'hall-notice', title: '大厅服务须知', category: 'misc', kind: 'policy',
    summary: '来大厅办事前请先了解以下须知。',
  },
};
// Full list order without `misc`: category order, then `order` (default 1000), then id.
const ORDER_NO_MISC = ['labour-handbook', 'startup-loan', 'employment-policy',
  'elderly-allowance', 'subsistence-allowance', 'residence-permit'];
const NOT_SERVED = ['broken-date', 'broken-nostep', '_template', 'template', 'permit'];

describe('GET /healthz', () => {
  it('answers 200 {"ok":true} as JSON', async () => {
    const r = await request(api('/healthz'));
    assert.equal(r.status, 200);
    assertJSONType(r, '/healthz');
    assert.deepEqual(r.body, { ok: true });
  });
});

describe('GET /api/v1/categories', () => {
  let cats;
  before(async () => { cats = (await getJSON(api('/api/v1/categories'))).categories; });

  it('lists README categories in front-matter order with title, description, count', () => {
    assert.ok(Array.isArray(cats));
    const withReadme = cats.filter((c) => c.id !== 'misc');
    assert.deepEqual(withReadme, CATEGORIES);
  });

  it('includes a category folder without README.md, titled by its id', () => {
    const misc = cats.find((c) => c.id === 'misc');
    assert.ok(misc, `no "misc" category in ${JSON.stringify(ids(cats))}`);
    assert.equal(misc.title, 'misc');
    assert.equal(misc.procedures, 1);
    assert.ok('description' in misc, 'misc lacks "description"');
    assert.ok(misc.description === null || typeof misc.description === 'string');
    assert.equal(cats.length, 4, `unexpected categories ${JSON.stringify(ids(cats))}`);
  });

  it('counts only loaded files (broken files and _template.md are not counted)', () => {
    assert.equal(cats.find((c) => c.id === 'employment').procedures, 3);
  });
});

describe('GET /api/v1/procedures', () => {
  it('lists every loaded procedure and policy with {id,title,category,kind,summary} in order', async () => {
    const list = (await getJSON(api('/api/v1/procedures'))).procedures;
    assert.ok(Array.isArray(list));
    assert.deepEqual(ids(list).filter((id) => id !== 'hall-notice'), ORDER_NO_MISC);
    assert.ok(ids(list).includes('hall-notice'), 'hall-notice (category misc) missing');
    assert.equal(list.length, 7);
    for (const p of list) {
      const want = LIST_ITEMS[p.id];
      for (const k of ['id', 'title', 'category', 'kind']) {
        assert.equal(p[k], want[k], `${p.id}.${k}`);
      }
      assert.equal(typeof p.summary, 'string', `${p.id}.summary`);
      if ('summary' in want) assert.equal(p.summary, want.summary, `${p.id}.summary`);
    }
  });

  it('gives a summary as plain text without raw HTML', async () => {
    const list = (await getJSON(api('/api/v1/procedures?category=civil'))).procedures;
    const p = list.find((x) => x.id === 'elderly-allowance');
    assert.ok(p);
    assert.ok(p.summary.startsWith('年满 80 周岁的本市户籍老人可按月领取高龄津贴。'), p.summary);
    assert.doesNotMatch(p.summary, /<script|alert\(|summary-xss/i);
  });

  it('serves no file with an error, no _-file, and no id other than the front-matter id', async () => {
    const list = (await getJSON(api('/api/v1/procedures'))).procedures;
    for (const id of NOT_SERVED) assert.ok(!ids(list).includes(id), `${id} must not be listed`);
    assert.ok(ids(list).every((id) => /^[a-z0-9][a-z0-9-]{0,63}$/.test(id)), JSON.stringify(ids(list)));
  });

  it('?category=ID filters to that category, in order', async () => {
    assert.deepEqual(ids((await getJSON(api('/api/v1/procedures?category=employment'))).procedures),
      ['labour-handbook', 'startup-loan', 'employment-policy']);
    assert.deepEqual(ids((await getJSON(api('/api/v1/procedures?category=civil'))).procedures),
      ['elderly-allowance', 'subsistence-allowance']);
    assert.deepEqual(ids((await getJSON(api('/api/v1/procedures?category=misc'))).procedures),
      ['hall-notice']);
  });

  it('?category= with an unknown id is 404 unknown_category', async () => {
    assertError(await request(api('/api/v1/procedures?category=no-such-category')),
      404, 'unknown_category', 'unknown category');
    assertError(await request(api('/api/v1/procedures?category=no-such-category&q=%E8%AF%81')),
      404, 'unknown_category', 'unknown category with q');
  });

  // the contract: an empty category is no filter, not an unknown one
  it('?category= empty is no filter, with or without q', async () => {
    const full = ids((await getJSON(api('/api/v1/procedures'))).procedures);
    assert.deepEqual(ids((await getJSON(api('/api/v1/procedures?category='))).procedures), full);
    assert.deepEqual(ids(await search('证', '&category=')), ids(await search('证')));
  });
});

describe('GET /api/v1/procedures?q= (search)', () => {
  it('finds a two-character Chinese query in a title (劳动), title hits first', async () => {
    assert.deepEqual(ids(await search('劳动')), ['labour-handbook', 'employment-policy']);
  });

  it('finds a one-character Chinese query (证) ranked title > keywords > body only', async () => {
    const got = ids(await search('证'));
    assert.equal(got.length, 4, JSON.stringify(got));
    assert.equal(got[0], 'residence-permit', `title hit first: ${JSON.stringify(got)}`);
    assert.equal(got[1], 'labour-handbook', `keyword hit second: ${JSON.stringify(got)}`);
    assert.deepEqual([...got.slice(2)].sort(), ['startup-loan', 'subsistence-allowance'],
      `body-only hits last: ${JSON.stringify(got)}`);
  });

  it('ranks title hit, then keyword hit, then body-only hit (创业)', async () => {
    assert.deepEqual(ids(await search('创业')), ['startup-loan', 'labour-handbook', 'employment-policy']);
  });

  it('returns list items of the same shape as the full list', async () => {
    const [p] = await search('低保');
    assert.deepEqual(
      { id: p.id, title: p.title, category: p.category, kind: p.kind, summary: p.summary },
      LIST_ITEMS['subsistence-allowance']);
  });

  it('finds 低保 in a title', async () => {
    assert.deepEqual(ids(await search('低保')), ['subsistence-allowance']);
  });

  it('finds a Latin keyword (juzhuzheng)', async () => {
    assert.deepEqual(ids(await search('juzhuzheng')), ['residence-permit']);
  });

  it('finds words that occur only in body text (step text, section text)', async () => {
    assert.deepEqual(ids(await search('寿星')), ['elderly-allowance']);
    assert.deepEqual(ids(await search('节假日')), ['hall-notice']);
  });

  it('never finds broken files or _-files', async () => {
    assert.deepEqual(ids(await search('损坏')), []);
    assert.deepEqual(ids(await search('模板专用词')), []);
  });

  it('combines q with category', async () => {
    assert.deepEqual(ids(await search('证', '&category=employment')), ['labour-handbook', 'startup-loan']);
    assert.deepEqual(ids(await search('证', '&category=misc')), []);
  });

  it('empty or whitespace-only q means no search filter', async () => {
    const full = ids((await getJSON(api('/api/v1/procedures'))).procedures);
    assert.deepEqual(ids(await search('')), full);
    assert.deepEqual(ids(await search('   ')), full);
    assert.deepEqual(ids(await search(' \t ')), full);
  });

  it('punctuation-only q returns an empty list', async () => {
    assert.deepEqual(await search('!!!'), []);
    assert.deepEqual(await search(',。'), []);
  });

  it('q of 256 bytes is accepted; over 256 bytes is 400 bad_request', async () => {
    const ok1 = await request(api(`/api/v1/procedures?q=${'a'.repeat(256)}`));
    assert.equal(ok1.status, 200, ok1.text);
    assert.deepEqual(ok1.body, { procedures: [] });
    // 85 × 3-byte character = 255 bytes, 86 × = 258 bytes: the limit counts bytes
    const ok2 = await request(api(`/api/v1/procedures?q=${encodeURIComponent('证'.repeat(85))}`));
    assert.equal(ok2.status, 200, ok2.text);
    assertError(await request(api(`/api/v1/procedures?q=${'a'.repeat(257)}`)), 400, 'bad_request', 'q 257 bytes');
    assertError(await request(api(`/api/v1/procedures?q=${encodeURIComponent('证'.repeat(86))}`)),
      400, 'bad_request', 'q 258 bytes');
  });

  it('q that is not UTF-8 is 400 bad_request', async () => {
    // a lone byte, and a three-byte character cut after its second byte
    for (const q of ['%FF', '%E8%AF', 'a%C0%AFb'])
      assertError(await request(api(`/api/v1/procedures?q=${q}`)), 400, 'bad_request', q);
  });
});

describe('GET /api/v1/procedures/{id}', () => {
  let lh;
  let lhRes;
  const lhFile = path.join(FIXTURE_TREE, 'employment', 'labour-handbook.md');

  before(async () => {
    lhRes = await request(api('/api/v1/procedures/labour-handbook'));
    lh = lhRes.body;
  });

  it('answers 200 JSON with every top-level key', () => {
    assert.equal(lhRes.status, 200, lhRes.text.slice(0, 500));
    assertJSONType(lhRes, 'detail');
    for (const k of ['id', 'title', 'category', 'kind', 'version', 'hash', 'meta', 'summary_html',
      'sections', 'conditions', 'steps']) {
      assert.ok(k in lh, `missing key ${k}`);
    }
    assert.equal(lh.id, 'labour-handbook');
    assert.equal(lh.title, '劳动手册办理');
    assert.equal(lh.category, 'employment');
    assert.equal(lh.kind, 'procedure');
    assert.equal(lh.version, '2026-03-01');
  });

  it('hash is the sha256 hex of the file and the ETag is "<hash>-r<render version>"', () => {
    const h = sha256File(lhFile);
    assert.equal(lh.hash, h);
    // fetch accepts gzip: the compressed copy's ETag ends in -gz (bytes.test.mjs)
    assert.match(lhRes.headers.get('etag'), new RegExp(`^"${h}-r[0-9]+(-gz)?"$`));
  });

  it('meta holds the known front-matter keys as written (strings), unknown keys omitted', () => {
    assert.deepEqual(lh.meta, {
      version: '2026-03-01',
      review_by: '2027-03-01',
      effective: '2026-03-15',
      time_limit: '即来即办',
      fee: '免费',
      responsible: '综合窗口(A岗)',
      basis: '《就业服务与就业管理规定》',
      location: '社区事务受理中心 综合窗口',
      hours: '周一至周五 9:00-17:00',
      phone: '0535-0000000',
      audience: '本市户籍、法定劳动年龄内的失业人员',
      keywords: '劳动手册, 就业创业证, 失业登记',
      order: '5',
    });
  });

  it('summary_html is the HTML between H1 and the first H2', () => {
    assert.equal(typeof lh.summary_html, 'string');
    assert.match(lh.summary_html, /<p>为本市户籍失业人员办理<strong>劳动手册<\/strong>,用于失业登记和享受就业扶持政策。<\/p>/);
    assert.doesNotMatch(lh.summary_html, /<h[12]|办理条件|具有/);
  });

  it('sections: reserved H2s (Chinese and English) in file order with kind, title, html', () => {
    assert.deepEqual(lh.sections.map((s) => [s.kind, s.title]), [
      ['eligibility', '办理条件'],
      ['basis', '设定依据'],
      ['fees', '收费标准'],
      ['result', '办理结果'],
      ['notes', 'Notes'],
      ['faq', 'FAQ'],
    ]);
    for (const s of lh.sections) {
      assert.deepEqual(Object.keys(s).sort(), ['html', 'kind', 'title'], JSON.stringify(s));
      assert.equal(typeof s.html, 'string');
    }
    const html = Object.fromEntries(lh.sections.map((s) => [s.kind, s.html]));
    assert.match(html.eligibility, /具有<strong>本市<\/strong>户籍/);
    assert.match(html.basis, /《就业服务与就业管理规定》/);
    assert.match(html.fees, /本事项不收费。/);
    assert.match(html.result, /当场发放《劳动手册》。/);
    assert.match(html.notes, /请本人到场办理。/);
    assert.match(html.faq, /可以申请补办。/);
  });

  it('conditions: plain text of the items of the first list in the eligibility section', () => {
    assert.deepEqual(lh.conditions, ['具有本市户籍', '年满 16 周岁,在法定劳动年龄内']);
  });

  it('steps: every non-reserved H2 in file order, markers stripped from titles', () => {
    assert.deepEqual(lh.steps.map((s) => s.title),
      ['第一步:准备材料', '第二步:填写登记表', '第三步:委托办理材料', '第四步:窗口审核']);
    for (const s of lh.steps) {
      for (const k of ['title', 'html', 'checklist', 'fields']) assert.ok(k in s, `step lacks ${k}`);
      assert.equal(typeof s.html, 'string');
      assert.ok(Array.isArray(s.checklist) && Array.isArray(s.fields));
    }
  });

  it('a step with {if KEY=VALUE} carries "if"; other steps have no "if" key', () => {
    assert.deepEqual(lh.steps[2].if, { key: 'proxy', op: '=', value: 'yes' });
    for (const i of [0, 1, 3]) assert.ok(!('if' in lh.steps[i]), `step ${i} must not have "if"`);
  });

  it('checklist items: ids s<step>-<n>, plain text without markers, required false for {optional}', () => {
    assert.deepEqual(lh.steps[0].checklist, [
      { id: 's0-0', text: '本人居民身份证原件', required: true },
      { id: 's0-1', text: '近期一寸免冠照片 2 张', required: true },
      { id: 's0-2', text: '退役证(退役军人提供)', required: false },
    ]);
    assert.deepEqual(lh.steps[1].checklist, []);
    assert.deepEqual(lh.steps[2].checklist, [
      { id: 's2-0', text: '受托人居民身份证原件', required: true },
      { id: 's2-1', text: '授权委托书', required: false, if: { key: 'education', op: '!=', value: '小学' } },
    ]);
    assert.deepEqual(lh.steps[3].checklist, [
      { id: 's3-0', text: '毕业证书原件', required: true, if: { key: 'education', op: '=', value: '本科及以上' } },
    ]);
  });

  it('fields: every type and rule, in file order across several form blocks', () => {
    const f = (key, label, type, required, rules = {}, options = []) =>
      ({ key, label, type, required, rules, options });
    assert.deepEqual(lh.steps[0].fields, []);
    assert.deepEqual(lh.steps[1].fields, [
      f('name', '姓名', 'text', true, { min: 2, max: 20 }),
      f('id_number', '公民身份号码', 'cn_id', true, { 'age>=': 16, 'age<=': 60 }),
      f('mobile', '手机号码', 'cn_mobile', true),
      f('phone', '联系电话', 'phone', true),
      f('email', '电子邮箱', 'email', true),
      f('email2', '再次输入电子邮箱', 'email', false, { same_as: 'email' }),
      f('education', '文化程度', 'choice', true, {}, ['小学', '初中', '高中', '中专', '大专', '本科及以上']),
      f('years', '工作年限', 'number', false, { min: 0, max: 50 }),
      f('birth', '出生日期', 'date', false, { 'age>=': 16, not_before: '1950-01-01' }),
      f('start', '失业日期', 'date', true, { not_after: 'today' }),
      f('postcode', '邮政编码', 'text', false, { pattern: '[0-9]{6}' }),
      f('proxy', '是否委托他人办理', 'yesno', true),
    ]);
    assert.deepEqual(lh.steps[2].fields, [f('agent_name', '受托人姓名', 'text', true, { max: 20 })]);
    assert.deepEqual(lh.steps[3].fields, [
      { ...f('graduation_date', '毕业日期', 'date', false, { not_after: 'today' }),
        if: { key: 'education', op: '=', value: '本科及以上' } },
    ]);
  });

  it('step html renders the step text and tips, never a marker', () => {
    assert.match(lh.steps[0].html, /照片须为白底彩色照片。/);
    assert.match(lh.steps[3].html, /工作人员核对原件,录入系统,当场发放手册。/);
    for (const h of allHtml(lh)) assert.doesNotMatch(h, /\{optional\}|\{if /);
  });

  it('a policy: kind policy, only information sections (other H2s are "info"), no steps', async () => {
    const p = await getJSON(api('/api/v1/procedures/employment-policy'));
    assert.equal(p.id, 'employment-policy');
    assert.equal(p.kind, 'policy');
    assert.equal(p.category, 'employment');
    assert.equal(p.version, '2026-01-01');
    assert.equal(p.hash, sha256File(path.join(FIXTURE_TREE, 'employment', 'employment-policy.md')));
    assert.deepEqual(p.meta, { kind: 'policy', order: '1001', version: '2026-01-01', keywords: '就业政策, 补贴' });
    assert.deepEqual(p.sections.map((s) => [s.kind, s.title]),
      [['basis', '政策依据'], ['info', '补贴标准'], ['faq', '常见问题']]);
    assert.match(p.sections[1].html, /鼓励劳动者自主创业/);
    assert.deepEqual(p.steps, []);
    assert.deepEqual(p.conditions, []);
  });

  it('version is null without a front-matter version; English Eligibility gives conditions', async () => {
    const p = await getJSON(api('/api/v1/procedures/startup-loan'));
    assert.equal(p.version, null);
    assert.deepEqual(p.meta, { keywords: '创业担保贷款, 小额贷款', hours: '周一至周五 9:00-17:00' });
    assert.deepEqual(p.sections.map((s) => [s.kind, s.title]),
      [['eligibility', 'Eligibility'], ['basis', '办理依据']]);
    assert.deepEqual(p.conditions, ['在本市登记注册经营实体', '无不良信用记录']);
    assert.deepEqual(p.steps[1].fields, [
      { key: 'amount', label: '贷款金额(万元)', type: 'number', required: true, rules: { min: 1, max: 30 }, options: [] },
    ]);
  });

  it('front-matter id overrides the file stem', async () => {
    const p = await getJSON(api('/api/v1/procedures/residence-permit'));
    assert.equal(p.id, 'residence-permit');
    assert.equal(p.category, 'residence');
    assert.equal(p.hash, sha256File(path.join(FIXTURE_TREE, 'residence', 'permit.md')));
    assert.equal(p.meta.id, 'residence-permit');
    assert.deepEqual(p.sections.map((s) => [s.kind, s.title]),
      [['eligibility', '受理条件'], ['fees', '收费标准']]);
    assert.deepEqual(p.conditions, ['在本市居住满半年', '有合法稳定就业、合法稳定住所或连续就读']);
    assertError(await request(api('/api/v1/procedures/permit')), 404, 'unknown_procedure', 'file stem');
  });

  it('raw HTML never reaches any html and javascript: links are dropped', async () => {
    const r = await request(api('/api/v1/procedures/elderly-allowance'));
    assert.equal(r.status, 200);
    const p = r.body;
    assert.doesNotMatch(r.text, /<script|<iframe|onclick|steal\(|javascript:|alert\(/i);
    assert.match(p.summary_html, /<!-- raw HTML omitted -->/);
    assert.match(p.summary_html, /年满 80 周岁的本市户籍老人可按月领取高龄津贴。/);
    const step = p.steps[0];
    assert.match(step.html, /寿星本人行动不便的/);
    assert.match(step.html, /<!-- raw HTML omitted -->/);
    assert.match(step.html, /代办说明/);
    assert.match(step.html, /另一说明/);
    const notes = p.sections.find((s) => s.kind === 'notes');
    assert.ok(notes, 'no notes section');
    assert.match(notes.html, /<!-- raw HTML omitted -->/);
    assert.match(notes.html, /津贴按月发放到老人本人银行卡。/);
  });

  it('procedures that failed to load, _-files and unknown ids are 404 unknown_procedure', async () => {
    for (const id of ['broken-date', 'broken-nostep', 'no-such-procedure']) {
      assertError(await request(api(`/api/v1/procedures/${id}`)), 404, 'unknown_procedure', id);
    }
    const r = await request(api('/api/v1/procedures/_template'));
    assertError(r, 404, ['unknown_procedure', 'not_found'], '_template');
  });

  it('If-None-Match with the ETag gives 304 with no body; another tag gives 200', async () => {
    const etag = lhRes.headers.get('etag');
    assert.ok(etag);
    const r = await request(api('/api/v1/procedures/labour-handbook'), { headers: { 'If-None-Match': etag } });
    assert.equal(r.status, 304);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('etag'), etag, '304 must repeat the ETag');
    const r2 = await request(api('/api/v1/procedures/labour-handbook'),
      { headers: { 'If-None-Match': `"${'0'.repeat(64)}"` } });
    assert.equal(r2.status, 200);
    assert.deepEqual(r2.body, lh);
  });

  it('HEAD works like GET without a body', async () => {
    const r = await rawRequest(ctx.daemon.port,
      'HEAD /api/v1/procedures/labour-handbook HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close');
    assert.equal(r.status, 200);
    // no Accept-Encoding here: the identity ETag
    assert.equal(r.headers.etag, lhRes.headers.get('etag').replace(/-gz"$/, '"'));
    assert.match(r.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(r.body.length, 0, `HEAD sent a body: ${r.body.toString('utf8').slice(0, 200)}`);
    if ('content-length' in r.headers) {
      assert.equal(Number(r.headers['content-length']), Buffer.byteLength(lhRes.text));
    }
  });
});

describe('GET /api/v1/triage', () => {
  it('returns the questions with goto / procedure / plain answers; start is the first question', async () => {
    const t = await getJSON(api('/api/v1/triage'));
    // the contract fixes "start" and "questions" (answers are told apart by their
    // keys, so their shape is exact); further top-level keys are the project's
    assert.deepEqual({ start: t.start, questions: t.questions }, {
      start: 'what',
      questions: [
        {
          id: 'what',
          text: '您想办理哪方面的事情?',
          answers: [
            { text: '我失业了,想登记找工作', goto: 'unemployed' },
            { text: '我想了解就业扶持政策', procedure: 'employment-policy' },
            { text: '其他事情请到综合窗口咨询' },
          ],
        },
        {
          id: 'unemployed',
          text: '您是本市户籍吗?',
          answers: [
            { text: '是', procedure: 'labour-handbook' },
            { text: '不是,我是外来务工人员', procedure: 'residence-permit' },
            { text: '返回上一题', goto: 'what' },
          ],
        },
      ],
    });
  });
});

// Each document of a snapshot carries a tag of its own: a 304 to another
// document's tag would leave a browser showing the document it had cached
// (the category list for the full one, the categories for the triage).
describe('the snapshot documents\' ETags', () => {
  it('differ between documents, and another document\'s tag is answered 200', async () => {
    const docs = ['/api/v1/procedures', '/api/v1/procedures?category=employment', '/api/v1/categories',
      '/api/v1/triage', '/api/v1/directory'];
    const tags = [];
    for (const d of docs) {
      const r = await request(api(d));
      assert.equal(r.status, 200, d);
      assert.ok(r.headers.get('etag'), d);
      tags.push(r.headers.get('etag'));
    }
    assert.equal(new Set(tags).size, docs.length, tags.join(' '));
    for (const [i, d] of docs.entries()) {
      assert.equal((await request(api(d), { headers: { 'If-None-Match': tags[i] } })).status, 304, d);
      const others = tags.filter((_, j) => j !== i).join(', ');
      assert.equal((await request(api(d), { headers: { 'If-None-Match': others } })).status, 200, d);
    }
  });
});

describe('GET /print/procedures/{id}', () => {
  it('is a printable HTML sheet with what to bring and know', async () => {
    const r = await request(api('/print/procedures/labour-handbook'));
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/i);
    // the checklist of every step and the information sections are on the sheet
    for (const s of ['劳动手册办理', '本人居民身份证原件', '近期一寸免冠照片 2 张', '受托人居民身份证原件',
      '本事项不收费。', '请本人到场办理。', '照片须为白底彩色照片。']) {
      assert.ok(r.text.includes(s), `print sheet lacks ${s}`);
    }
    assert.doesNotMatch(r.text, /\{optional\}|\{if /);
    // a material that depends on an answer says which (the step's {if}, the
    // item's own, a != one), not 部分情况需要
    assert.match(r.text, /受托人居民身份证原件<span class="note">（「是否委托他人办理」选「是」时需要）<\/span>/);
    assert.match(r.text, /授权委托书<span class="note">（如有）<\/span><span class="note">（「文化程度」不选「小学」时需要）/);
    assert.match(r.text, /毕业证书原件<span class="note">（「文化程度」选「本科及以上」时需要）/);
    // nothing loaded from outside the daemon
    assert.doesNotMatch(r.text, /<(?:script|img|iframe|link)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
  });

  it('passes no raw HTML or javascript: link of the file through', async () => {
    const r = await request(api('/print/procedures/elderly-allowance'));
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('高龄津贴申请'));
    assert.doesNotMatch(r.text, /summary-xss|step-xss|upper-xss|steal\(|example\.invalid|javascript:/i);
  });

  it('is 404 for an unknown procedure', async () => {
    const r = await request(api('/print/procedures/no-such-procedure'));
    assert.equal(r.status, 404);
  });
});
