// Search over a library larger than the result limit (100): the category
// filter applies before the limit, so a category's hits are never crowded
// out by better-ranked hits elsewhere.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getJSON, useDaemon } from './helpers.mjs';

const files = {
  'aa/README.md': '---\norder: 1\n---\n# 甲类\n\n甲。\n',
  'zz/README.md': '---\norder: 2\n---\n# 乙类\n\n乙。\n',
};
for (let i = 0; i < 120; i++) {
  files[`aa/p${i}.md`] = `# 证件办理 ${i}\n\n简介。\n\n## 第一步:准备\n- [ ] 身份证\n`;
}
for (let i = 0; i < 3; i++) {
  // 证 only in the text: the lowest tier, ranked after all 120 title hits
  files[`zz/q${i}.md`] = `# 其他事项 ${i}\n\n带上户口簿和身份证。\n\n## 第一步:准备\n- [ ] 户口簿\n`;
}
// 正 reads zheng like 证: a pinyin hit in a title, after the 120 above
files['zz/r0.md'] = '# 正式登记\n\n简介。\n\n## 第一步:准备\n- [ ] 户口簿\n';
const ctx = useDaemon({ files });

describe('search with more hits than the limit', () => {
  it('returns at most 100 results, title hits first', async () => {
    const r = await getJSON(`${ctx.daemon.url}/api/v1/procedures?q=${encodeURIComponent('证')}`);
    assert.equal(r.procedures.length, 100);
    assert.ok(r.procedures.every((p) => p.category === 'aa'));
  });

  it('finds a category\'s hits even when 100 better hits lie elsewhere', async () => {
    const r = await getJSON(`${ctx.daemon.url}/api/v1/procedures?category=zz&q=${encodeURIComponent('证')}`);
    assert.deepEqual(r.procedures.map((p) => p.id), ['q0', 'q1', 'q2']);
  });

  it('finds a category\'s pinyin hits even when 100 better hits lie elsewhere', async () => {
    const r = await getJSON(`${ctx.daemon.url}/api/v1/procedures?category=zz&q=zheng`);
    assert.deepEqual(r.procedures.map((p) => p.id), ['r0']);
  });
});

// Pinyin and initials (schema/010-pinyin.sql, src/pinyin.c): a Latin query
// of two letters or more also searches titles and keywords by reading.
const pyFiles = {
  'help/README.md': '---\norder: 1\n---\n# 救助\n\n救助。\n',
  'help/dibao.md': '# 最低生活保障(低保)申请\n\n简介。\n\n## 第一步:准备\n- [ ] 身份证\n',
  // 低保 only in the keywords: after the title hit
  'help/linshi.md': '---\nkeywords: 低保边缘\n---\n# 临时救助申请\n\n简介。\n\n## 第一步:准备\n- [ ] 身份证\n',
  // 低保 only in the text: after both
  'help/yiliao.md': '# 医疗救助申请\n\n低保对象可以申请。\n\n## 第一步:准备\n- [ ] 身份证\n',
  // 长 is read cháng here, zhǎng usually
  'help/huli.md': '# 长期护理保险\n\n简介。\n\n## 第一步:准备\n- [ ] 身份证\n',
};
const py = useDaemon({ files: pyFiles });

async function ids(q) {
  const r = await getJSON(`${py.daemon.url}/api/v1/procedures?q=${encodeURIComponent(q)}`);
  return r.procedures.map((p) => p.id);
}

describe('search by pinyin and initials', () => {
  it('finds 低保 by dibao, di bao, DiBao and full-width letters of either case; title hits first', async () => {
    for (const q of ['dibao', 'di bao', 'DiBao', 'ＤＩＢＡＯ', 'ｄｉｂａｏ', 'dib']) {
      const got = await ids(q);
      assert.equal(got[0], 'dibao', q);
      assert.ok(got.includes('linshi'), `${q}: keyword hit`);
      assert.ok(got.indexOf('dibao') < got.indexOf('linshi'), q);
    }
  });

  it('finds 低保 by its initials db', async () => {
    const got = await ids('db');
    assert.deepEqual(got.slice(0, 2), ['dibao', 'linshi']);
  });

  it('reads a polyphone every way it can be read', async () => {
    assert.deepEqual(await ids('changqi'), ['huli']);
    assert.deepEqual(await ids('cqhl'), ['huli']);
  });

  it('keeps the Chinese search as it was', async () => {
    const got = await ids('低保');
    assert.deepEqual(got.slice(0, 2), ['dibao', 'linshi']);
    assert.ok(got.includes('yiliao'));
  });

  it('does not search pinyin in the text, for one letter, or for what reads otherwise', async () => {
    // the text's 低保 is not indexed by reading: only titles and keywords are
    assert.ok(!(await ids('dibao')).includes('yiliao'));
    assert.deepEqual(await ids('d'), []);
    assert.deepEqual(await ids('baodi'), []);
    assert.deepEqual(await ids('xyz'), []);
  });
});
