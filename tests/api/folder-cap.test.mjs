// A folder over the file cap (issue #12, item 10, second half): a category
// folder with more than 10000 entries used to drop every procedure in it,
// good ones included, with "无法读取这个文件夹:File too large". Now the first
// 10000 by name are read and one Chinese error names how many were left out
// and the cap. `spkiosk check` runs the daemon's own scan (library_scan) and
// prints its report, so the test reads what was read from it: a bad file
// inside the cap is reported, one past it is not. Also: reasons a file cannot
// be read are in Chinese with the errno name, never strerror's English.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, makeTmp, rmTmp } from './helpers.mjs';

const CAP = 10000;
const GOOD = (i) => `# 事项 ${i}\n\n## 第一步\n\n带上身份证。\n`;
const BAD = '# 没有步骤的事项\n\n只有一段说明。\n';

let tmp;
let tree;
let big;

before(() => {
  tmp = makeTmp('spkiosk-folder-cap-');
  tree = path.join(tmp, 'tree');
  big = path.join(tree, 'big');
  fs.mkdirSync(big, { recursive: true });
  fs.writeFileSync(path.join(big, 'README.md'), '# 大分类\n\n很多文件。\n');
  // README.md sorts first (upper case), then p00000 ... p10001: the cap
  // keeps README.md and p00000..p09998; p09999..p10001 are left out
  for (let i = 0; i <= CAP + 1; i++) {
    const name = `p${String(i).padStart(5, '0')}.md`;
    fs.writeFileSync(path.join(big, name), i === 5 || i === CAP + 1 ? BAD : GOOD(i));
  }
});

after(() => rmTmp(tmp));

function check(dir) {
  return spawnSync(BIN, ['check', dir], { encoding: 'utf8', timeout: 60_000 });
}

describe('a category folder over the file cap', () => {
  it('reads the first 10000 by name and names what was left out, in Chinese', () => {
    const r = check(tree);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.ok(lines.includes(`${big}:1: 文件夹里的文件超过 ${CAP} 个的上限：按文件名读取了前 ${CAP} 个，其余 3 个没有读取`),
      r.stdout);
    // inside the cap: read and checked (its error is reported)
    assert.ok(lines.some((l) => l.startsWith(`${path.join(big, 'p00005.md')}:`)), r.stdout);
    // past the cap: not read
    assert.ok(!lines.some((l) => l.includes('p10001.md')), r.stdout);
    assert.equal(lines.length, 2, r.stdout);
    assert.doesNotMatch(r.stdout, /File too large|[A-Za-z]{4,} [a-z]{3,}/);
  });
});

describe('a file that cannot be read', () => {
  it('is reported in Chinese with the errno name; a link is refused as a link', () => {
    const d = path.join(tmp, 'links', 'civil');
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'README.md'), '# 民政\n\n说明。\n');
    fs.writeFileSync(path.join(d, 'good.md'), GOOD(1));
    fs.symlinkSync('nowhere.md', path.join(d, 'dangling.md'));
    fs.symlinkSync('loop.md', path.join(d, 'loop.md'));
    assert.equal(spawnSync('mkfifo', [path.join(d, 'pipe.md')]).status, 0);
    const r = check(path.join(tmp, 'links'));
    assert.equal(r.status, 1, r.stderr);
    // symlinks.test.mjs: no link inside the library is followed
    for (const f of ['dangling.md', 'loop.md'])
      assert.ok(r.stdout.includes(`${path.join(d, f)}:1: 这个文件是符号链接`), r.stdout);
    assert.ok(r.stdout.includes(`${path.join(d, 'pipe.md')}:1: 无法读取这个文件：它不是普通文件（EISDIR）`), r.stdout);
    assert.doesNotMatch(r.stdout, /No such file|Too many levels|Is a directory/);
  });
});
