// A category folder the daemon cannot list (its permissions changed by a
// deploy script, a disk error) is not a folder emptied: its procedures, their
// search entries and practice files stay as the last load had them, as a
// file that cannot be read keeps its last good version, and the folder is an
// error in the report. Before, every procedure in it was retired at the next
// load and residents met 404 until someone noticed. As root (CI) the
// permission bits do not stop a read, so there the daemon runs as nobody
// (setpriv) over a tree nobody owns.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startDaemon, makeTmp, rmTmp, writeTree, getJSON, request } from './helpers.mjs';

const proc = (title) => `# ${title}\n\n${title}的简介。\n\n## 第一步：准备\n- [ ] 身份证 {#id_card}\n`;
const ROOT = process.getuid && process.getuid() === 0;
const NOBODY = 65534;

function chownTree(dir) {
  fs.chownSync(dir, NOBODY, NOBODY);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p);
    else fs.chownSync(p, NOBODY, NOBODY);
  }
}

describe('a category folder that cannot be listed', () => {
  const tmp = makeTmp();
  let d;
  after(async () => {
    if (d) await d.stop();
    fs.chmodSync(path.join(tmp, 'tree', 'alpha'), 0o755);
    rmTmp(tmp);
  });

  it('keeps its procedures live and reports the folder; they stay when it is readable again', async () => {
    const tree = writeTree(path.join(tmp, 'tree'), {
      'alpha/README.md': '# 甲类\n\n甲类事项。\n',
      'alpha/one.md': proc('甲事项'),
      'beta/README.md': '# 乙类\n\n乙类事项。\n',
      'beta/two.md': proc('乙事项'),
    });
    fs.chmodSync(tmp, 0o755);
    if (ROOT) chownTree(tmp);
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db'),
      wrap: ROOT ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : [] });
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/one`)).title, '甲事项');
    const loads = () => (d.stderr().match(/spkiosk: loaded /g) || []).length;
    const reload = async () => {
      const before = loads();
      d.proc.kill('SIGHUP');
      for (let i = 0; i < 200 && loads() === before; i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(loads() > before, `no reload:\n${d.stderr()}`);
    };

    fs.chmodSync(path.join(tree, 'alpha'), 0o000);
    await reload();
    assert.match(d.stderr(), /alpha:1: 无法读取这个文件夹：没有读取权限（EACCES）/);
    assert.match(d.stderr().split('spkiosk: loaded ').pop(), /0 retired/);
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/one`)).title, '甲事项');
    const listed = await getJSON(`${d.url}/api/v1/procedures?category=alpha`);
    assert.deepEqual(listed.procedures.map((p) => p.id), ['one']);
    const found = await getJSON(`${d.url}/api/v1/procedures?q=${encodeURIComponent('甲事项')}`);
    assert.ok(found.procedures.some((p) => p.id === 'one'), 'still found by search');
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/two`)).title, '乙事项');

    fs.chmodSync(path.join(tree, 'alpha'), 0o755);
    await reload();
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/one`)).title, '甲事项');
    // its files' results were kept too: listed again, they are reused, not parsed
    assert.match(d.stderr().split('spkiosk: loaded ').pop(), /: 2 live \(0 parsed, 2 unchanged,/);
    // and a file really removed from a readable folder still retires
    fs.rmSync(path.join(tree, 'beta', 'two.md'));
    await reload();
    assert.equal((await request(`${d.url}/api/v1/procedures/two`)).status, 404);
  });
});
