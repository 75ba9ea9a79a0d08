// Loading rules across restarts and reloads: a file with an error keeps its
// last good version live, a deleted file retires its procedure, unchanged
// files are not parsed again, SIGHUP reloads without a restart.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startDaemon, makeTmp, rmTmp, writeTree, getJSON, request, sleep } from './helpers.mjs';

const good = (title, extra = '') => `---
version: 2026-01-01
keywords: 测试
---
# ${title}

${title}的简介。${extra}

## 第一步:准备材料
- [ ] 本人居民身份证原件
`;

const files = {
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/one.md': good('第一个事项'),
  'alpha/two.md': good('第二个事项'),
  'alpha/three.md': good('第三个事项'),
};

// The load summary the daemon logs, as numbers: the last one, or the
// nth (from 0) when given.
function lastLoad(stderr, nth = -1) {
  const all = [...stderr.matchAll(/loaded .*: (\d+) live \((\d+) parsed, (\d+) unchanged, (\d+) with errors, (\d+) retired\)/g)];
  assert.ok(all.length, `no load line in:\n${stderr}`);
  const [, live, parsed, unchanged, failed, retired] = all.at(nth).map(Number);
  return { live, parsed, unchanged, failed, retired, count: all.length };
}

describe('loading across restarts', () => {
  let tmp, tree, db;
  before(() => {
    tmp = makeTmp();
    tree = path.join(tmp, 'tree');
    db = path.join(tmp, 'x.db');
    writeTree(tree, files);
  });
  after(() => rmTmp(tmp));

  async function withDaemon(fn) {
    const d = await startDaemon({ tree, db });
    try {
      await fn(d);
    } finally {
      const info = await d.stop();
      assert.equal(info.code, 0, `exit ${JSON.stringify(info)}:\n${d.stderr()}`);
    }
  }

  let oneHash;
  it('a first start parses every file', async () => {
    await withDaemon(async (d) => {
      assert.deepEqual(lastLoad(d.stderr()), { live: 3, parsed: 3, unchanged: 0, failed: 0, retired: 0, count: 1 });
      oneHash = (await getJSON(`${d.url}/api/v1/procedures/one`)).hash;
    });
  });

  it('a restart with nothing changed parses nothing', async () => {
    await withDaemon(async (d) => {
      assert.deepEqual(lastLoad(d.stderr()), { live: 3, parsed: 0, unchanged: 3, failed: 0, retired: 0, count: 1 });
      assert.equal((await getJSON(`${d.url}/api/v1/procedures/one`)).hash, oneHash);
      // unchanged files are still searchable after a restart
      const s = await getJSON(`${d.url}/api/v1/procedures?q=${encodeURIComponent('第二')}`);
      assert.deepEqual(s.procedures.map((p) => p.id), ['two']);
    });
  });

  it('a broken file keeps its last good version, a deleted file retires, an edit goes live', async () => {
    fs.writeFileSync(path.join(tree, 'alpha/one.md'), '---\nreview_by: 2027-02-30\n---\n# 第一个事项\n');
    fs.rmSync(path.join(tree, 'alpha/two.md'));
    fs.writeFileSync(path.join(tree, 'alpha/three.md'), good('第三个事项(新版)'));
    await withDaemon(async (d) => {
      assert.deepEqual(lastLoad(d.stderr()), { live: 2, parsed: 1, unchanged: 0, failed: 1, retired: 1, count: 1 });
      assert.match(d.stderr(), /alpha\/one\.md:2: review_by/);
      const one = await getJSON(`${d.url}/api/v1/procedures/one`);
      assert.equal(one.hash, oneHash, 'the last good version of one.md stays live');
      assert.equal((await request(`${d.url}/api/v1/procedures/two`)).status, 404);
      const three = await getJSON(`${d.url}/api/v1/procedures/three`);
      assert.equal(three.title, '第三个事项(新版)');
      const list = await getJSON(`${d.url}/api/v1/procedures`);
      assert.deepEqual(list.procedures.map((p) => p.id), ['one', 'three']);
      const cats = await getJSON(`${d.url}/api/v1/categories`);
      assert.equal(cats.categories[0].procedures, 2);
      // the retired procedure is no longer found by search
      const s = await getJSON(`${d.url}/api/v1/procedures?q=${encodeURIComponent('第二')}`);
      assert.deepEqual(s.procedures, []);
    });
  });

  it('SIGHUP reloads: a fixed file goes live, a restored file comes back', async () => {
    await withDaemon(async (d) => {
      fs.writeFileSync(path.join(tree, 'alpha/one.md'), good('第一个事项(修正)'));
      fs.writeFileSync(path.join(tree, 'alpha/two.md'), good('第二个事项'));
      d.proc.kill('SIGHUP');
      // the loads after the first: SIGHUP's, and the watcher's, which saw the
      // same writes. Usually SIGHUP's parses both files and the watcher's
      // none; on a loaded machine the watcher may have loaded between the
      // two writes (200 ms of quiet), each load then parsing one. Either way
      // the two files are parsed once in all, and the last load is whole.
      const later = () => {
        const n = lastLoad(d.stderr()).count;
        return Array.from({ length: n - 1 }, (_, i) => lastLoad(d.stderr(), i + 1));
      };
      const parsed = () => later().reduce((sum, l) => sum + l.parsed, 0);
      for (let i = 0; i < 800 && parsed() < 2; i++) await sleep(25);
      assert.ok(later().length >= 1, 'a load after SIGHUP');
      assert.equal(parsed(), 2, 'each changed file parsed once');
      const last = lastLoad(d.stderr());
      assert.deepEqual({ live: last.live, failed: last.failed, retired: last.retired, read: last.parsed + last.unchanged },
        { live: 3, failed: 0, retired: 0, read: 3 });
      const one = await getJSON(`${d.url}/api/v1/procedures/one`);
      assert.equal(one.title, '第一个事项(修正)');
      assert.notEqual(one.hash, oneHash);
      assert.equal((await getJSON(`${d.url}/api/v1/procedures/two`)).id, 'two');
    });
  });
});

// A file with errors keeps its last good version live, even when the error
// is in its id: the broken text names no usable id, which is not the file
// now naming another procedure (that would retire the old one).
describe('a file whose id line breaks', () => {
  let tmp, tree, db;
  before(() => {
    tmp = makeTmp();
    tree = path.join(tmp, 'tree');
    db = path.join(tmp, 'x.db');
    writeTree(tree, { 'alpha/README.md': files['alpha/README.md'], 'alpha/one.md': `---\nid: first-item\n${good('第一个事项').slice(4)}` });
  });
  after(() => rmTmp(tmp));

  it('keeps its last good version live', async () => {
    let d = await startDaemon({ tree, db });
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/first-item`)).title, '第一个事项');
    assert.equal((await d.stop()).code, 0);
    fs.writeFileSync(path.join(tree, 'alpha/one.md'), `---\nid: First Item!\n${good('第一个事项(改)').slice(4)}`);
    d = await startDaemon({ tree, db });
    try {
      assert.deepEqual(lastLoad(d.stderr()), { live: 1, parsed: 0, unchanged: 0, failed: 1, retired: 0, count: 1 });
      assert.equal((await getJSON(`${d.url}/api/v1/procedures/first-item`)).title, '第一个事项');
    } finally {
      assert.equal((await d.stop()).code, 0);
    }
  });
});
