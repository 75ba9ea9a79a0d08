// Reuse without reading (issue #13, item 3): a file whose stat stamp (size,
// mtime, ctime, inode, device) is the one stored with its hash is not read,
// and a reload shares the previous snapshot's bytes of every procedure whose
// live version did not change. These tests prove that reuse never serves a
// stale file: an edit that restores size and mtime is still seen (ctime), a
// file changed between reloads is served new, a removed one goes, and what
// did not change keeps its exact bytes and ETag.
//
// Files get a stamp only once they are older than the scan by a second
// (LIBRARY_STAMP_RACY_NS), so the tests wait that long after writing before
// a load that should reuse them; nothing here asserts on a duration.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startDaemon, makeTmp, rmTmp, writeTree, request, sleep } from './helpers.mjs';

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
  'alpha/two.md': good('第二个事项', '甲'),
  'alpha/three.md': good('第三个事项'),
  'alpha/four.md': good('第四个事项'),
};

const RACY_MS = 1100;

function loads(stderr) {
  const re = /loaded .*: (\d+) live \((\d+) parsed, (\d+) unchanged, (\d+) with errors, (\d+) retired\) in [^;]*; (\d+) files unread \(same stamp\), (\d+) snapshot entries shared/g;
  return [...stderr.matchAll(re)].map((m) => {
    const [live, parsed, unchanged, failed, retired, unread, shared] = m.slice(1).map(Number);
    return { live, parsed, unchanged, failed, retired, unread, shared };
  });
}

async function waitLoads(d, n) {
  for (let i = 0; i < 400 && loads(d.stderr()).length < n; i++) await sleep(25);
  const all = loads(d.stderr());
  assert.ok(all.length >= n, `expected ${n} loads in:\n${d.stderr()}`);
  return all.at(-1);
}

// Every procedure's detail and print page, with their ETags.
async function snapshot(url, ids) {
  const out = {};
  for (const id of ids) {
    const r = await request(`${url}/api/v1/procedures/${id}`);
    const p = await request(`${url}/print/procedures/${id}`);
    out[id] = { status: r.status, etag: r.headers.get('etag'), text: r.text, print: p.text };
  }
  const list = await request(`${url}/api/v1/procedures`);
  out.list = { etag: list.headers.get('etag'), text: list.text };
  return out;
}

describe('reuse by stat stamp and by snapshot', () => {
  let tmp, tree, db;
  before(async () => {
    tmp = makeTmp();
    tree = path.join(tmp, 'tree');
    db = path.join(tmp, 'x.db');
    writeTree(tree, files);
    await sleep(RACY_MS);
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

  const ids = ['one', 'two', 'three', 'four'];
  let first;
  it('a first start reads and parses every file', async () => {
    await withDaemon(async (d) => {
      const l = await waitLoads(d, 1);
      assert.deepEqual(l, { live: 4, parsed: 4, unchanged: 0, failed: 0, retired: 0, unread: 0, shared: 0 });
      first = await snapshot(d.url, ids);
    });
  });

  it('a restart reads no unchanged file and serves the same bytes and ETags', async () => {
    await withDaemon(async (d) => {
      const l = await waitLoads(d, 1);
      assert.deepEqual(l, { live: 4, parsed: 0, unchanged: 4, failed: 0, retired: 0, unread: 4, shared: 0 });
      assert.deepEqual(await snapshot(d.url, ids), first);
    });
  });

  it('an edit that keeps the size and restores the mtime is still seen (ctime)', async () => {
    const p = path.join(tree, 'alpha/two.md');
    const st = fs.statSync(p, { bigint: true });
    const text = good('第二个事项', '乙');
    assert.equal(BigInt(Buffer.byteLength(text)), st.size, 'the same size');
    fs.writeFileSync(p, text);
    // to the nanosecond (fs.utimesSync takes a double)
    const ns = st.mtimeNs % 1000000000n;
    execFileSync('touch', ['-m', '-d', `@${st.mtimeNs / 1000000000n}.${String(ns).padStart(9, '0')}`, p]);
    const after2 = fs.statSync(p, { bigint: true });
    assert.equal(after2.mtimeNs, st.mtimeNs, 'mtime restored');
    assert.notEqual(after2.ctimeNs, st.ctimeNs, 'ctime moved');
    assert.equal(after2.size, st.size);
    assert.equal(after2.ino, st.ino, 'written in place');
    // old enough that the stamp is trusted again: only ctime tells
    await sleep(RACY_MS);
    await withDaemon(async (d) => {
      const l = await waitLoads(d, 1);
      assert.deepEqual(l, { live: 4, parsed: 1, unchanged: 3, failed: 0, retired: 0, unread: 3, shared: 0 });
      const now = await snapshot(d.url, ids);
      assert.match(now.two.text, /乙/);
      assert.notEqual(now.two.etag, first.two.etag);
      for (const id of ['one', 'three', 'four']) assert.deepEqual(now[id], first[id], id);
    });
  });

  it('a file touched with its text unchanged is read once, then its new stamp is trusted', async () => {
    const p = path.join(tree, 'alpha/one.md');
    // a fixed day in the past, not "now": under faketime node's now is the
    // moved clock while the daemon's stat adds the offset again, and a time
    // in the daemon's future is racy (never stored) at every start
    const t = new Date('2026-01-02T03:04:05Z');
    fs.utimesSync(p, t, t);
    await sleep(RACY_MS);
    await withDaemon(async (d) => {
      // read (its stamp is new), found unchanged by its hash: reused
      assert.deepEqual(await waitLoads(d, 1), { live: 4, parsed: 0, unchanged: 4, failed: 0, retired: 0, unread: 3, shared: 0 });
    });
    await withDaemon(async (d) => {
      // the stamp that read stored: not read again
      assert.deepEqual(await waitLoads(d, 1), { live: 4, parsed: 0, unchanged: 4, failed: 0, retired: 0, unread: 4, shared: 0 });
    });
  });

  it('between reloads: a changed file is served new, a removed one goes, the rest keep their bytes', async () => {
    await withDaemon(async (d) => {
      await waitLoads(d, 1);
      const before2 = await snapshot(d.url, ids);
      // nothing changed: every entry shared, no file read
      d.proc.kill('SIGHUP');
      let l = await waitLoads(d, 2);
      assert.deepEqual(l, { live: 4, parsed: 0, unchanged: 4, failed: 0, retired: 0, unread: 4, shared: 4 });
      assert.deepEqual(await snapshot(d.url, ids), before2);

      fs.writeFileSync(path.join(tree, 'alpha/three.md'), good('第三个事项(新版)'));
      fs.rmSync(path.join(tree, 'alpha/four.md'));
      const n = loads(d.stderr()).length;
      d.proc.kill('SIGHUP');
      l = await waitLoads(d, n + 1);
      // the watcher may load once more; the last load is the one that counts
      for (let i = 0; i < 40; i++) {
        await sleep(25);
        l = loads(d.stderr()).at(-1);
      }
      assert.equal(l.live, 3);
      const now = await snapshot(d.url, ['one', 'two', 'three']);
      assert.match(now.three.text, /新版/);
      assert.notEqual(now.three.etag, before2.three.etag);
      assert.equal((await request(`${d.url}/api/v1/procedures/four`)).status, 404);
      assert.doesNotMatch(now.list.text, /"id":"four"/);
      assert.notEqual(now.list.etag, before2.list.etag);
      for (const id of ['one', 'two']) assert.deepEqual(now[id], before2[id], id);
    });
  });

  it('a reader holding the old snapshot keeps it whole while a reload shares its bytes', async () => {
    await withDaemon(async (d) => {
      await waitLoads(d, 1);
      // requests in flight across several reloads: each answer is whole
      const n = loads(d.stderr()).length;
      const reqs = [];
      for (let i = 0; i < 3; i++) {
        d.proc.kill('SIGHUP');
        for (let j = 0; j < 5; j++) reqs.push(request(`${d.url}/api/v1/procedures/one`));
        await waitLoads(d, n + i + 1);
      }
      for (const r of await Promise.all(reqs)) {
        assert.equal(r.status, 200);
        assert.equal(JSON.parse(r.text).id, 'one');
      }
    });
  });
});
