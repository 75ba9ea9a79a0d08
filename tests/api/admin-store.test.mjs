// What the admin console's list (GET /api/v1/admin/procedures) keeps of the
// files a load stored (src/store.c): the remembered warnings of a file that
// was not parsed again, and no entry for a file that is gone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useAdminDaemon, list, file, eventually } from './admin-helpers.mjs';

const WARN = '# 第一个事项\n\n简介。\n\n## 第一步:准备材料\n- [ ] 本人居民身份证原件\n\n  第二段内容\n';
const PLAIN = (t) => `# ${t}\n\n${t}的简介。\n\n## 第一步:准备材料\n- [ ] 本人居民身份证原件\n`;
const README = (n) => `# 甲类${n}\n\n甲类事项。\n`;

const h = useAdminDaemon({
  'alpha/README.md': README(0),
  'alpha/one.md': WARN,
  'alpha/two.md': PLAIN('第二个事项'),
});

let reloads = 0;
// Changes the category's title too, and waits for the load that read it.
async function reload(change = () => {}) {
  change();
  const n = ++reloads;
  fs.writeFileSync(file(h, 'alpha/README.md'), README(n));
  await eventually(h, async () => {
    const r = await fetch(`${h.daemon.url}/api/v1/categories`);
    return (await r.json()).categories[0]?.title === `甲类${n}`;
  }, `the load of README ${n}`);
}

const warnings = (doc) => doc.procedures.find((p) => p.file === 'alpha/one.md').warnings
  .map((w) => [w.line, w.message]);
const W6 = [6, '清单项只显示第一段文字，后面缩进的内容会被忽略'];

describe('the admin list across loads', () => {
  it('keeps the warnings of a file reused unchanged', async () => {
    assert.deepEqual(warnings(await list(h)), [W6]);
    await reload();
    assert.match(h.daemon.stderr().split('spkiosk: loaded ').pop(), /\(0 parsed, 2 unchanged/);
    assert.deepEqual(warnings(await list(h)), [W6], 'remembered, not lost');
  });

  it('has no entry for a file deleted from the tree', async () => {
    const files = (doc) => doc.procedures.map((p) => p.file).filter((f) => f.endsWith('two.md'));
    assert.equal(files(await list(h)).length, 1);
    await reload(() => fs.rmSync(file(h, 'alpha/two.md')));
    const doc = await list(h);
    // the retired procedure may be listed as retired, never as a file
    assert.deepEqual(doc.procedures.filter((p) => p.file.endsWith('two.md') && p.state !== 'retired'), []);
  });
});
