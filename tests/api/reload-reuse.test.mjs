// Which unchanged files a start reuses rather than parses (store.h,
// store_reuse): one whose version waits in the schedule is, as a live one
// is; one whose review_by has come within LIBRARY_REMIND_DAYS (30) of
// today is not: its
// 「复核日期 review_by 快到了」 warning is made by the parse, so a file reused
// forever would never get it (store.h, store_reuse). libfaketime moves the
// daemon's clock between two starts on the same database and files.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startDaemon, makeTmp, rmTmp, writeTree, getJSON, sleep } from './helpers.mjs';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

const files = {
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/one.md': `---
version: 2026-01-01
review_by: 2030-06-01
---
# 第一个事项

第一个事项的简介。

## 第一步:准备材料
- [ ] 本人居民身份证原件
`,
};

function fakeEnv(at) {
  return {
    LD_PRELOAD: process.env.LD_PRELOAD ? `${LIBFAKETIME}:${process.env.LD_PRELOAD}` : LIBFAKETIME,
    FAKETIME: `@${at}`, DONT_FAKE_MONOTONIC: '1', FAKETIME_FORCE_MONOTONIC_FIX: '0',
    ASAN_OPTIONS: `${process.env.ASAN_OPTIONS ? `${process.env.ASAN_OPTIONS}:` : ''}verify_asan_link_order=0`,
  };
}

function lastLoad(stderr) {
  const all = [...stderr.matchAll(/loaded .*: (\d+) live \((\d+) parsed, (\d+) unchanged/g)];
  assert.ok(all.length, `no load line in:\n${stderr}`);
  const [, live, parsed, unchanged] = all.at(-1).map(Number);
  return { live, parsed, unchanged };
}

// A tree of files() and a database beside it, made before the describe's
// tests and removed after: {tree, db}.
function useFiles(files) {
  const t = {};
  let tmp;
  before(() => {
    tmp = makeTmp();
    t.tree = writeTree(path.join(tmp, 'tree'), files());
    t.db = path.join(tmp, 'x.db');
  });
  after(() => rmTmp(tmp));
  return t;
}

// Two starts on the same files and database: the first parses the file,
// the second reuses it; `live` procedures each time.
async function parsedThenReused(tree, db, live) {
  for (const want of [{ live, parsed: 1, unchanged: 0 }, { live, parsed: 0, unchanged: 1 }]) {
    const d = await startDaemon({ tree, db });
    const err = d.stderr();
    assert.equal((await d.stop()).code, 0);
    assert.deepEqual(lastLoad(err), want, err);
  }
}

describe('a file whose review date comes near', { skip: fs.existsSync(LIBFAKETIME) ? false : `no ${LIBFAKETIME}` }, () => {
  const t = useFiles(() => files);

  async function start(at) {
    const d = await startDaemon({ tree: t.tree, db: t.db, env: fakeEnv(at) });
    const err = d.stderr();
    assert.equal((await d.stop()).code, 0);
    return err;
  }

  it('is reused while its review date is far, parsed again once it is within 30 days', async () => {
    let err = await start('2030-01-02 08:00:00');
    assert.deepEqual(lastLoad(err), { live: 1, parsed: 1, unchanged: 0 });
    assert.doesNotMatch(err, /review_by 快到了/);
    // a restart months before the date: nothing to remind of, reused
    err = await start('2030-02-01 08:00:00');
    assert.deepEqual(lastLoad(err), { live: 1, parsed: 0, unchanged: 1 });
    // 30 days before it, the first day of the reminder: parsed again
    err = await start('2030-05-02 08:00:00');
    assert.deepEqual(lastLoad(err), { live: 1, parsed: 1, unchanged: 0 }, err);
  });
});

// A version that waits for its `effective` date is still the file's
// current text: a restart reuses it, as it does a live one, rather than
// parsing it again at every start until its date.
describe('a file whose version waits for its date', () => {
  const t = useFiles(() => ({
      'alpha/README.md': files['alpha/README.md'],
      'alpha/one.md': files['alpha/one.md'].replace('review_by: 2030-06-01', 'effective: 2099-01-01'),
    }));

  it('is reused at a restart', async () => {
    await parsedThenReused(t.tree, t.db, 0);
  });
});

// A file that links an office of _directory.md is checked again only when
// _directory.md changed since the last load (its links are answered by
// it); with _directory.md as it was, a restart reuses it like any file.
describe('a file that links an office, _directory.md unchanged', () => {
  const t = useFiles(() => ({
      '_directory.md': '# 其他办事地点\n\n## 派出所 {#paichusuo}\n- 地址:幸福路 9 号\n',
      'alpha/README.md': files['alpha/README.md'],
      'alpha/one.md': '# 第一个事项\n\n第一个事项的简介。请到[派出所](../_directory.md#paichusuo)。\n\n' +
        '## 第一步:准备材料\n- [ ] 本人居民身份证原件\n',
    }));

  it('is reused at a restart', async () => {
    await parsedThenReused(t.tree, t.db, 1);
  });
});

// The list keeps the front matter's `order` within a category on a reload
// too, where the snapshot is built from the last one (a query of its own),
// not only at the start.
describe('the order of a category\'s procedures after a reload', () => {
  let tmp, d;
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('is the front matter order, not the ids\'', async () => {
    tmp = makeTmp();
    const item = (id, title, order) => `---\nid: ${id}\norder: ${order}\n---\n# ${title}\n\n${title}的简介。\n\n` +
      '## 第一步:准备材料\n- [ ] 本人居民身份证原件\n';
    const tree = writeTree(path.join(tmp, 'tree'), {
      'alpha/README.md': files['alpha/README.md'],
      'alpha/a.md': item('aa', '甲事项', 2),
      'alpha/b.md': item('bb', '乙事项', 1),
    });
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
    const ids = async () => (await getJSON(`${d.url}/api/v1/procedures`)).procedures.map((p) => p.id);
    assert.deepEqual(await ids(), ['bb', 'aa']);
    fs.writeFileSync(path.join(tree, 'alpha/README.md'), '# 甲类\n\n甲类事项(改)。\n');
    const n = (d.stderr().match(/spkiosk: loaded /g) || []).length;
    d.proc.kill('SIGHUP');
    for (let i = 0; i < 200 && (d.stderr().match(/spkiosk: loaded /g) || []).length <= n; i++) await sleep(25);
    assert.ok((d.stderr().match(/spkiosk: loaded /g) || []).length > n, 'no reload');
    assert.deepEqual(await ids(), ['bb', 'aa']);
  });
});

// `updated` is present from the day a new version went live through the 29
// days after it, then absent (docs/http-api.md), also for a version a start
// reuses: the snapshot gives it only while it is shown.
describe('the updated notice of a reused version', { skip: fs.existsSync(LIBFAKETIME) ? false : `no ${LIBFAKETIME}` }, () => {
  const t = useFiles(() => ({
      'alpha/README.md': files['alpha/README.md'],
      'alpha/one.md': files['alpha/one.md'].replace('review_by: 2030-06-01\n', ''),
    }));

  async function updated(at) {
    const d = await startDaemon({ tree: t.tree, db: t.db, env: fakeEnv(at) });
    try {
      return (await getJSON(`${d.url}/api/v1/procedures/one`)).updated ?? null;
    } finally {
      assert.equal((await d.stop()).code, 0);
    }
  }

  it('is shown for 30 days from the change, then not', async () => {
    assert.equal(await updated('2030-01-02 08:00:00'), null, 'a first version is no update');
    fs.writeFileSync(path.join(t.tree, 'alpha/one.md'),
      fs.readFileSync(path.join(t.tree, 'alpha/one.md'), 'utf8').replace('的简介。', '的新简介。'));
    assert.equal(await updated('2030-01-03 08:00:00'), '2030-01-03');
    assert.equal(await updated('2030-02-01 08:00:00'), '2030-01-03', 'the 29th day after it');
    assert.equal(await updated('2030-02-02 08:00:00'), null, 'the 30th');
  });
});

// A deleted _directory.md (no file linking its offices) takes its last good
// list with it: {"offices":[]} (docs/http-api.md), not the list of before.
describe('_directory.md deleted', () => {
  const t = useFiles(() => ({
      '_directory.md': '# 其他办事地点\n\n## 派出所 {#paichusuo}\n- 地址:幸福路 9 号\n',
      'alpha/README.md': files['alpha/README.md'],
      'alpha/one.md': files['alpha/one.md'].replace('review_by: 2030-06-01\n', ''),
    }));

  it('leaves no office', async () => {
    for (const want of [['paichusuo'], []]) {
      const d = await startDaemon({ tree: t.tree, db: t.db });
      try {
        assert.deepEqual((await getJSON(`${d.url}/api/v1/directory`)).offices.map((o) => o.id), want);
      } finally {
        assert.equal((await d.stop()).code, 0);
      }
      fs.rmSync(path.join(t.tree, '_directory.md'), { force: true });
    }
  });
});
