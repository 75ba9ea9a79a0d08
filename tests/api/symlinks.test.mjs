// Symbolic links committed into the library (a review replayed this): the
// library is a checkout anyone with a commit can fill, and the daemon
// followed links. `_assets -> /` served /etc/passwd at /media/etc/passwd
// with no login; a category README or a procedure file linked to a secret
// published its text. No link inside the library is followed now: media
// are opened component by component without following one, files are read
// with O_NOFOLLOW, a linked category or file is an error at its path, and
// `spkiosk check` refuses them too. Real files beside them still work.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, startDaemon, makeTmp, rmTmp, writeTree, getJSON, request } from './helpers.mjs';

const proc = (title) => `# ${title}\n\n${title}的简介。\n\n## 第一步：准备\n- [ ] 身份证\n`;
const SECRET = 'SECRET-KEY-4f9c2a';

describe('symbolic links in the library', () => {
  const tmp = makeTmp();
  let d;
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('are not followed: media, a README, a procedure, a category', async () => {
    const outside = writeTree(path.join(tmp, 'outside'), {
      'secret.txt': `${SECRET}\n`,
      'evil.md': proc(`偷看 ${SECRET}`),
      'README.md': `# 外面\n\n${SECRET}\n`,
      'cat/README.md': '# 别处\n\n别处的分类。\n',
      'cat/x.md': proc('别处的事项'),
      'img/logo.png': 'not really a png',
    });
    const tree = writeTree(path.join(tmp, 'tree'), {
      'hall/README.md': '# 大厅\n\n事项。\n',
      'hall/ok.md': `${proc('正常事项')}\n![标志](../_assets/real.png)\n![外面](../_assets/img/logo.png)\n`,
      'linked/placeholder': '',
      '_assets/real.png': 'png bytes',
    });
    fs.rmSync(path.join(tree, 'linked'), { recursive: true });
    fs.symlinkSync(path.join(outside, 'img'), path.join(tree, '_assets', 'img'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(tree, '_assets', 'secret.txt'));
    fs.symlinkSync(path.join(outside, 'evil.md'), path.join(tree, 'hall', 'evil.md'));
    fs.mkdirSync(path.join(tree, 'other'));
    fs.symlinkSync(path.join(outside, 'README.md'), path.join(tree, 'other', 'README.md'));
    fs.writeFileSync(path.join(tree, 'other', 'y.md'), proc('另一个事项'));
    fs.symlinkSync(path.join(outside, 'cat'), path.join(tree, 'linked'));

    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
    const media = async (p) => request(`${d.url}/media/${p}`);
    assert.equal((await media('real.png')).status, 200, 'a real file is served');
    assert.equal((await media('secret.txt')).status, 404);
    assert.equal((await media('img/logo.png')).status, 404);
    const cats = await getJSON(`${d.url}/api/v1/categories`);
    assert.ok(!JSON.stringify(cats).includes(SECRET), JSON.stringify(cats));
    assert.deepEqual(cats.categories.map((c) => c.id).sort(), ['hall', 'other']);
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/ok`)).title, '正常事项');
    assert.equal((await request(`${d.url}/api/v1/procedures/evil`)).status, 404);
    assert.equal((await request(`${d.url}/api/v1/procedures/x`)).status, 404, 'nothing of a linked category');
    const all = await getJSON(`${d.url}/api/v1/procedures`);
    assert.ok(!JSON.stringify(all).includes(SECRET));
    const log = d.stderr();
    assert.match(log, /hall\/evil\.md:1: 这个文件是符号链接/);
    assert.match(log, /tree\/linked:1: 这是符号链接/);
    assert.match(log, /other\/README\.md:1: .*符号链接/);
    assert.ok(!log.includes(SECRET));

    // check refuses the same, and warns of the linked image
    const r = spawnSync(BIN, ['check', tree], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /hall\/evil\.md:1: 这个文件是符号链接/);
    assert.match(out, /linked:1: 这是符号链接/);
    assert.match(out, /hall\/ok\.md:\d+: warning: 链接的文件 _assets\/img\/logo\.png 是符号链接/);
    assert.doesNotMatch(out, /_assets\/real\.png/);
    assert.ok(!out.includes(SECRET));
  });
});
