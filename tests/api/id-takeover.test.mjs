// A file edited on disk to claim the id of a live procedure (a review put
// `id: labour-handbook` into another file's front matter): the untouched
// file that holds the id keeps serving it, and the edited file is the one
// refused, with the error on it. Before, the first file by path won, the
// other procedure was served under the id, and the untouched file was
// blamed. `spkiosk check`, with nothing live to go by, keeps the id with
// the file named by it (before: the later file by path was refused).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, startDaemon, makeTmp, rmTmp, writeTree, getJSON, request, sleep } from './helpers.mjs';

const proc = (title, front = '') => `${front ? `---\n${front}---\n` : ''}# ${title}\n\n${title}的简介。\n\n## 第一步：准备\n- [ ] 身份证\n`;

describe('an id claimed on disk by another file', () => {
  const tmp = makeTmp();
  let d;
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('stays with the file that holds it; the claiming file is refused', async () => {
    const tree = writeTree(path.join(tmp, 'tree'), {
      'hall/README.md': '# 大厅\n\n事项。\n',
      'hall/a-new.md': proc('新事项'),
      'hall/z-old.md': proc('老事项'),
    });
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/z-old`)).title, '老事项');
    // a-new.md sorts first by path, and now claims z-old's id (its line 2,
    // `id: z-old`, is where the error is)
    fs.writeFileSync(path.join(tree, 'hall/a-new.md'), proc('新事项', 'id: z-old\n'));
    d.proc.kill('SIGHUP');
    for (let i = 0; i < 200 && !/a-new\.md:2: 编号 z-old/.test(d.stderr()); i++) await sleep(25);
    assert.match(d.stderr(), /hall\/a-new\.md:2: 编号 z-old 已被 hall\/z-old\.md 使用/);
    assert.doesNotMatch(d.stderr(), /z-old\.md:1: 编号/);
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/z-old`)).title, '老事项', 'the live one is not taken over');
    const c = await request(`${d.url}/api/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ procedure: 'z-old' }) });
    assert.equal(c.status, 201, c.text);
    // check has nothing live to go by: the file named by the id keeps it,
    // as the console says (it blamed z-old.md and told the admin to rename
    // the untouched file: an admin's review)
    const r = spawnSync(BIN, ['check', tree], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stdout + r.stderr, /a-new\.md:2: 编号 z-old 已被 hall\/z-old\.md 使用/);
    assert.doesNotMatch(r.stdout + r.stderr, /z-old\.md:1: 编号/);
  });
});
