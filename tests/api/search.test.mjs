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
});
