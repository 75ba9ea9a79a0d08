// Search ranking and the caching of lists and searches, as a mutation review
// of the catalogue and search found them unpinned: the rank within a tier
// (weighted, saturating hits), a typed title before a pinyin title, an AND
// query ranked by where all of its phrases are, the tier applied before the
// limit of 100, and ETags that change when a reload changes the bytes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getJSON, request, useDaemon, startDaemon, makeTmp, writeTree, stopChecked, sleep } from './helpers.mjs';

const step = '\n\n## 第一步:准备\n- [ ] 身份证\n';
const files = {
  'r/README.md': '---\norder: 1\n---\n# 证照\n\n证照。\n',
  // 照 once in the title and five times in the text: the title tier, but
  // after b-twice (two title hits outweigh one plus text hits)
  'r/a-once.md': `# 护照更新\n\n照片、照相、拍照、照明、照顾。${step}`,
  'r/b-twice.md': `# 照片照相\n\n简介。${step}`,
  // huzhao typed in a title: before 护照 read as hu zhao
  'r/c-latin.md': `# HUZHAO 预约\n\n简介。${step}`,
  // 年检 in the title, 体检 only in the text: a text-tier hit of 年检 体检
  'r/d-split.md': `# 机动车年检\n\n到期前须先体检。${step}`,
  // both in the keywords: the keyword tier
  'r/e-keys.md': `---\nkeywords: 年检, 体检\n---\n# 车辆事务\n\n简介。${step}`,
};
// 100 items whose keywords and text say 证 again and again outscore a
// single title hit within the 100 kept, yet a title hit is a tier above them
for (let i = 0; i < 100; i++) {
  files[`k/k${String(i).padStart(3, '0')}.md`] = `---\nkeywords: ${'证'.repeat(40)}\n---\n# 其他事项 ${i}\n\n${'证'.repeat(40)}。${step}`;
}
files['k/README.md'] = '---\norder: 2\n---\n# 其他\n\n其他。\n';
files['k/zz-title.md'] = `# 证明开具\n\n简介。${step.replace('身份证', '户口簿')}`;
const ctx = useDaemon({ files });

async function ids(q, extra = '') {
  const r = await getJSON(`${ctx.daemon.url}/api/v1/procedures?q=${encodeURIComponent(q)}${extra}`);
  return r.procedures.map((p) => p.id);
}

describe('search ranking within and across tiers', () => {
  it('ranks more title hits before fewer, whatever the text holds (spk_score)', async () => {
    const got = await ids('照', '&category=r');
    assert.deepEqual(got.slice(0, 2), ['b-twice', 'a-once']);
  });

  it('puts a typed title hit before a pinyin title hit', async () => {
    const got = await ids('huzhao');
    assert.equal(got[0], 'c-latin', JSON.stringify(got));
    assert.ok(got.includes('a-once'), JSON.stringify(got));
  });

  it('ranks a query of two words by the column holding both', async () => {
    assert.deepEqual(await ids('年检 体检'), ['e-keys', 'd-split']);
  });

  it('keeps a title hit among the 100 even when keyword hits score higher', async () => {
    const got = await ids('证');
    assert.equal(got.length, 100);
    assert.equal(got[0], 'zz-title');
    // and so within a category
    assert.equal((await ids('证', '&category=k'))[0], 'zz-title');
  });
});

// A reload that changes bytes must change the ETags that cover them.
// the text changed in a checklist item, which the list does not show
const good = (title, text) => `# ${title}\n\n简介。\n\n## 第一步:准备\n- [ ] ${text}\n`;
function loads(stderr) {
  return [...stderr.matchAll(/loaded .*: \d+ live/g)].length;
}

describe('ETags across a reload', () => {
  let tmp, tree, d;
  before(async () => {
    tmp = makeTmp();
    tree = path.join(tmp, 'tree');
    writeTree(tree, { 'e/README.md': '# 甲类\n\n甲类。\n', 'e/one.md': good('甲项事务', '须知。') });
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
  });
  after(() => stopChecked(d, tmp));

  async function reload(content) {
    const n = loads(d.stderr());
    fs.writeFileSync(path.join(tree, 'e/one.md'), content);
    d.proc.kill('SIGHUP');
    for (let i = 0; i < 400 && loads(d.stderr()) <= n; i++) await sleep(25);
    assert.ok(loads(d.stderr()) > n, d.stderr());
  }

  it('a search whose answer changed with the text only is not confirmed', async () => {
    // a first edit marks the item "updated" today, which the list shows;
    // the second changes nothing the list shows
    await reload(good('甲项事务', '须知二。'));
    const url = `${d.url}/api/v1/procedures?q=${encodeURIComponent('寿星')}`;
    const first = await request(url);
    assert.deepEqual(first.body, { procedures: [] });
    await reload(good('甲项事务', '寿星。'));
    const r = await request(url, { headers: { 'If-None-Match': first.headers.get('etag') } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.procedures.map((p) => p.id), ['one']);
  });

  it('a list changed to bytes of the same length is not confirmed', async () => {
    const url = `${d.url}/api/v1/procedures`;
    const first = await request(url);
    assert.equal(first.body.procedures[0].title, '甲项事务');
    await reload(good('乙项事务', '寿星。'));
    const r = await request(url, { headers: { 'If-None-Match': first.headers.get('etag') } });
    assert.equal(r.status, 200);
    assert.equal(r.body.procedures[0].title, '乙项事务');
  });
});

// Equal ranks go in index order (docs/http-api.md): two items whose title
// and text are the same rank equal, and the one indexed first (its file
// loaded first: a.md before b.md) comes first, with a category or not.
describe('search hits of equal rank', () => {
  const same = (id) => `---\nid: ${id}\n---\n# 同名事务\n\n同名事务的简介。\n\n## 第一步:准备\n- [ ] 身份证\n`;
  const h = useDaemon({ files: {
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/a.md': same('zz-first'),
    'alpha/b.md': same('aa-second'),
  } });

  it('come in index order', async () => {
    const q = encodeURIComponent('同名事务');
    const all = await getJSON(`${h.daemon.url}/api/v1/procedures?q=${q}`);
    assert.deepEqual(all.procedures.map((p) => p.id), ['zz-first', 'aa-second']);
    const cat = await getJSON(`${h.daemon.url}/api/v1/procedures?q=${q}&category=alpha`);
    assert.deepEqual(cat.procedures.map((p) => p.id), ['zz-first', 'aa-second']);
  });
});
