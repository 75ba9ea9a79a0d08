// A tree without _triage.md: GET /api/v1/triage is 404 triage_not_found, and
// everything else still works.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, getJSON, assertError, useDaemon } from './helpers.mjs';

const ctx = useDaemon({ files: {
  'services/README.md': '---\norder: 1\n---\n\n# 综合服务\n\n各类综合服务。\n',
  'services/seal.md': '# 印章刻制备案\n\n为单位办理印章刻制备案。\n\n## 第一步:准备材料\n- [ ] 单位介绍信\n',
} });

describe('no _triage.md', () => {
  it('GET /api/v1/triage is 404 triage_not_found', async () => {
    assertError(await request(`${ctx.daemon.url}/api/v1/triage`), 404, 'triage_not_found');
  });

  it('the procedures of the tree are served', async () => {
    const list = (await getJSON(`${ctx.daemon.url}/api/v1/procedures`)).procedures;
    assert.deepEqual(list.map((p) => p.id), ['seal']);
    const cats = (await getJSON(`${ctx.daemon.url}/api/v1/categories`)).categories;
    assert.deepEqual(cats, [{ id: 'services', title: '综合服务', description: '各类综合服务。', procedures: 1 }]);
  });
});
