// A tree whose _triage.md has an error (a link to a missing question): it is
// not loaded, so GET /api/v1/triage is 404 triage_not_found.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, getJSON, assertError, useDaemon } from './helpers.mjs';

const ctx = useDaemon({ files: {
  'services/README.md': '---\norder: 1\n---\n\n# 综合服务\n\n各类综合服务。\n',
  'services/seal.md': '# 印章刻制备案\n\n为单位办理印章刻制备案。\n\n## 第一步:准备材料\n- [ ] 单位介绍信\n',
  '_triage.md': [
    '# 不知道办什么?', '',
    '## 您想办理什么? {#start}',
    '- [刻制印章](services/seal.md)',
    '- [别的事情](#nowhere)', '',
  ].join('\n'),
} });

describe('invalid _triage.md', () => {
  it('GET /api/v1/triage is 404 triage_not_found', async () => {
    assertError(await request(`${ctx.daemon.url}/api/v1/triage`), 404, 'triage_not_found');
  });

  it('the procedures of the tree are still served', async () => {
    const list = (await getJSON(`${ctx.daemon.url}/api/v1/procedures`)).procedures;
    assert.deepEqual(list.map((p) => p.id), ['seal']);
  });
});
