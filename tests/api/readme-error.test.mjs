// A category's README.md with an error keeps its last good title,
// description and order, as every other file's last good version stays
// (a review: `order: 1O` moved the category to the end of the home page,
// and a README saved in GBK showed the folder name as its title).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startDaemon, makeTmp, rmTmp, writeTree, getJSON, sleep } from './helpers.mjs';

const proc = (title) => `# ${title}\n\n${title}的简介。\n\n## 第一步：准备\n- [ ] 身份证\n`;

describe('a category README.md with an error', () => {
  const tmp = makeTmp();
  let d;
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  const cats = async () => (await getJSON(`${d.url}/api/v1/categories`)).categories.map((c) => [c.id, c.title]);
  async function reload(re) {
    const n = (d.stderr().match(/spkiosk: loaded /g) || []).length;
    d.proc.kill('SIGHUP');
    for (let i = 0; i < 200 && (d.stderr().match(/spkiosk: loaded /g) || []).length <= n; i++) await sleep(25);
    assert.match(d.stderr(), re);
  }

  it('keeps its last good title and order; the error is reported at its line', async () => {
    const tree = writeTree(path.join(tmp, 'tree'), {
      'zeta/README.md': '---\norder: 1\n---\n# 就业服务\n\n找工作。\n',
      'zeta/a.md': proc('甲'),
      'alpha/README.md': '---\norder: 2\n---\n# 社会保障\n\n社保。\n',
      'alpha/b.md': proc('乙'),
    });
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
    const good = [['zeta', '就业服务'], ['alpha', '社会保障']];
    assert.deepEqual(await cats(), good);
    fs.writeFileSync(path.join(tree, 'zeta/README.md'), '---\norder: 1O\n---\n# 就业服务（改）\n\n找工作（改）。\n');
    await reload(/zeta\/README\.md:2: order 应是一个整数/);
    assert.deepEqual(await cats(), good, 'the last good order and title');
    // the description is the last good one too, not the broken file's
    assert.deepEqual((await getJSON(`${d.url}/api/v1/categories`)).categories.map((c) => c.description),
      ['找工作。', '社保。']);
    fs.writeFileSync(path.join(tree, 'zeta/README.md'), Buffer.from([0x23, 0x20, 0xbe, 0xcd, 0xd2, 0xb5, 0x0a]));
    await reload(/zeta\/README\.md:1: 这一行有不是 UTF-8 编码的字符.*另存为.*UTF-8/);
    assert.deepEqual(await cats(), good, 'not the folder name');
    fs.writeFileSync(path.join(tree, 'zeta/README.md'), '---\norder: 3\n---\n# 就业创业\n\n找工作。\n');
    await reload(/spkiosk: loaded /);
    assert.deepEqual(await cats(), [['alpha', '社会保障'], ['zeta', '就业创业']], 'a good edit goes live');
  });
});
