// Golden tests for `spkiosk check`: every tests/fixtures/check/<category>/<name>.md
// is checked on its own and its stdout must equal <name>.expected byte for byte.
// The exit code must be 1 if any expected line is an error (a line without
// `warning: `), and 0 otherwise. Each <name>-tree/ folder is checked as a whole
// against <name>-tree.expected. See tests/fixtures/check/README.md.
//
//   SPKIOSK_BIN=/work/main/build/spkiosk node --test tests/api/check.test.mjs
//
// Node 20 built-ins only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.SPKIOSK_BIN || path.join(ROOT, 'build', 'spkiosk');
const FIX = 'tests/fixtures/check'; // relative to ROOT, as passed on the command line
const FIX_ABS = path.join(ROOT, FIX);

const TOO_BIG = '文件太大（超过 1 MiB），没有读取；请拆分或删去多余内容';
const MIB = 1 << 20;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Runs `spkiosk check ...args`. The binary may be relinked while the tests run.
// A missing or busy executable, or a run killed by a signal, is retried a few
// times before it counts as a failure.
function check(args, { cwd = ROOT } = {}) {
  let r;
  for (let attempt = 0; attempt < 5; attempt++) {
    r = spawnSync(BIN, ['check', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
    const odd = (r.error && ['ENOENT', 'ETXTBSY', 'EACCES'].includes(r.error.code)) ||
      (r.status === null && r.signal && r.signal !== 'SIGTERM');
    if (!odd) break;
    sleep(1000);
  }
  if (r.error) throw r.error;
  return r;
}

// Exit code from an expected report: 1 if any line is an error.
function expectedStatus(report) {
  return report.split('\n').filter((l) => l !== '')
    .some((l) => !/^.+?:\d+: warning: /.test(l)) ? 1 : 0;
}

function show(r) {
  return `--- stdout\n${r.stdout}--- stderr\n${r.stderr}--- exit ${r.status}`;
}

function assertReport(r, expected, what) {
  assert.equal(r.stdout, expected, `${what}: stdout differs\n${show(r)}`);
  assert.equal(r.status, expectedStatus(expected), `${what}: exit code\n${show(r)}`);
}

// { category: [name, ...] } for the single-file fixtures, and the -tree folders.
function listFixtures() {
  const cats = {};
  const trees = [];
  for (const d of fs.readdirSync(FIX_ABS, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    if (d.name.endsWith('-tree')) {
      trees.push(d.name);
      continue;
    }
    cats[d.name] = fs.readdirSync(path.join(FIX_ABS, d.name))
      .filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
  }
  return { cats, trees: trees.sort() };
}

const { cats, trees } = listFixtures();

function makeTmp() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-check-'));
}

// A valid procedure of exactly `size` bytes (a long paragraph in the step as
// padding: a summary that long is warned).
function paddedProcedure(size) {
  const head = Buffer.from('# 大文件\n\n测试用的事项。\n\n## 第一步：准备材料\n\n');
  const tail = Buffer.from('\n\n- [ ] 本人居民身份证原件\n');
  let room = size - head.length - tail.length;
  const lines = [];
  while (room > 0) {
    const n = Math.min(room, 80);
    lines.push(n === 1 ? '\n' : 'a'.repeat(n - 1) + '\n');
    room -= n;
  }
  // the last padding line must not leave a blank line inside the paragraph
  const pad = lines.join('').replace(/\n$/, 'a');
  const buf = Buffer.concat([head, Buffer.from(pad), tail]);
  assert.equal(buf.length, size, 'padded file has the wrong size');
  return buf;
}

describe('fixture corpus is well-formed', () => {
  it('has fixtures', () => {
    assert.ok(Object.values(cats).flat().length >= 60, 'expected at least 60 fixtures');
    assert.ok(trees.includes('triage-tree'), 'triage-tree missing');
  });

  for (const [cat, names] of Object.entries(cats)) {
    it(`${cat}/: folder name is a valid id, every .md has a .expected and vice versa`, () => {
      assert.match(cat, /^[a-z0-9][a-z0-9-]{0,63}$/);
      const files = fs.readdirSync(path.join(FIX_ABS, cat));
      for (const n of names) assert.ok(files.includes(`${n}.expected`), `${cat}/${n}.expected missing`);
      for (const f of files.filter((x) => x.endsWith('.expected'))) {
        assert.ok(files.includes(f.replace(/\.expected$/, '.md')), `${cat}/${f} has no .md`);
      }
    });
    it(`${cat}/: every expected line names its own file as FILE:LINE: message`, () => {
      for (const n of names) {
        const exp = fs.readFileSync(path.join(FIX_ABS, cat, `${n}.expected`), 'utf8');
        assert.ok(exp === '' || exp.endsWith('\n'), `${cat}/${n}.expected must end with a newline`);
        const prefix = `${FIX}/${cat}/${n}.md:`;
        let last = 0;
        for (const l of exp.split('\n').filter((x) => x !== '')) {
          assert.ok(l.startsWith(prefix), `${cat}/${n}.expected: ${l}`);
          const m = /^(\d+): (.+)$/.exec(l.slice(prefix.length));
          assert.ok(m && Number(m[1]) >= 1, `${cat}/${n}.expected: bad line ${l}`);
          assert.ok(Number(m[1]) >= last, `${cat}/${n}.expected: not sorted by line`);
          last = Number(m[1]);
        }
      }
    });
  }
});

for (const [cat, names] of Object.entries(cats)) {
  describe(`spkiosk check ${FIX}/${cat}/*.md`, () => {
    for (const n of names) {
      const rel = `${FIX}/${cat}/${n}.md`;
      it(`${cat}/${n}.md`, () => {
        const expected = fs.readFileSync(path.join(FIX_ABS, cat, `${n}.expected`), 'utf8');
        assertReport(check([rel]), expected, rel);
      });
    }
  });
}

describe('the same file inside a procedures tree gives the same report', () => {
  let tmp, r;
  before(() => {
    tmp = makeTmp();
    for (const [cat, names] of Object.entries(cats)) {
      fs.mkdirSync(path.join(tmp, cat));
      fs.writeFileSync(path.join(tmp, cat, 'README.md'), `# ${cat}\n\n测试分类。\n`);
      for (const n of names) fs.copyFileSync(path.join(FIX_ABS, cat, `${n}.md`), path.join(tmp, cat, `${n}.md`));
    }
    r = check([tmp]);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reports nothing for the category READMEs', () => {
    assert.ok(!/README\.md:/.test(r.stdout), show(r));
  });
  for (const [cat, names] of Object.entries(cats)) {
    for (const n of names) {
      it(`${cat}/${n}.md`, () => {
        const expected = fs.readFileSync(path.join(FIX_ABS, cat, `${n}.expected`), 'utf8')
          .split(`${FIX}/${cat}/${n}.md:`).join(`${tmp}/${cat}/${n}.md:`);
        const prefix = `${tmp}/${cat}/${n}.md:`;
        const got = r.stdout.split('\n').filter((l) => l.startsWith(prefix)).map((l) => `${l}\n`).join('');
        assert.equal(got, expected, `${cat}/${n}.md inside a tree\n${show(r)}`);
      });
    }
  }
});

describe('trees (triage, directory, posts and calendar)', () => {
  for (const t of trees) {
    const expected = () => fs.readFileSync(path.join(FIX_ABS, `${t}.expected`), 'utf8');
    it(`spkiosk check ${FIX}/${t}`, () => {
      assertReport(check([`${FIX}/${t}`]), expected(), t);
    });
    it(`spkiosk check ${FIX}/${t}/ (trailing slash) gives the same report`, () => {
      assertReport(check([`${FIX}/${t}/`]), expected(), `${t}/`);
    });
    // each special file at the tree's top (_triage.md, _posts.md, _calendar.md…)
    const special = fs.readdirSync(path.join(FIX_ABS, t)).filter((n) => /^_.*\.md$/.test(n));
    for (const name of special) {
      it(`spkiosk check ${FIX}/${t}/${name} reports that file's lines`, () => {
        const p = `${FIX}/${t}/${name}:`;
        const lines = expected().split('\n').filter((l) => l);
        const own = lines.filter((l) => l.startsWith(p));
        // checked alone, _directory.md and _posts.md also report, at their
        // line 1, the links to them that land nowhere: the office or post
        // renamed there, which the daemon would refuse (the tree's check
        // puts these on the linking files)
        const linked = ['_directory.md', '_posts.md'].includes(name)
          ? lines.filter((l) => !l.startsWith(p) && !/^[^:]+:\d+: warning: /.test(l)
            && l.includes(` 在 ${name} 里找不到`)).map((l) => {
            const [, file, line, msg] = l.match(/^([^:]+):(\d+): (.*)$/);
            return `${p}1: 按这个文件，${file.slice(`${FIX}/${t}/`.length)} 第 ${line} 行会出错：${msg}`;
          })
          : [];
        const at = (l) => Number(l.slice(p.length).split(':')[0]);
        const want = [...own.filter((l) => at(l) === 1), ...linked, ...own.filter((l) => at(l) > 1)];
        assertReport(check([`${FIX}/${t}/${name}`]), want.map((l) => `${l}\n`).join(''), `${t}/${name}`);
      });
    }
  }
});

describe('file size limit (generated into os.tmpdir())', () => {
  let tmp;
  before(() => {
    tmp = makeTmp();
    fs.mkdirSync(path.join(tmp, 'big'));
    fs.writeFileSync(path.join(tmp, 'big', 'README.md'), '# 大文件\n');
    fs.writeFileSync(path.join(tmp, 'big', 'too-big.md'), paddedProcedure(MIB + 1));
    fs.mkdirSync(path.join(tmp, 'edge'));
    fs.writeFileSync(path.join(tmp, 'edge', 'README.md'), '# 边界\n');
    fs.writeFileSync(path.join(tmp, 'edge', 'exactly-1mib.md'), paddedProcedure(MIB));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a file of 1 MiB + 1 byte checked alone is refused at line 1', () => {
    const p = path.join(tmp, 'big', 'too-big.md');
    assertReport(check([p]), `${p}:1: ${TOO_BIG}\n`, 'too-big.md');
  });
  it('the same file inside a tree gives the same line', () => {
    const p = path.join(tmp, 'big', 'too-big.md');
    const r = check([path.join(tmp)]);
    assert.equal(r.status, 1, show(r));
    assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith(`${p}:`)), [`${p}:1: ${TOO_BIG}`], show(r));
  });
  it('a valid file of exactly 1 MiB passes', () => {
    const p = path.join(tmp, 'edge', 'exactly-1mib.md');
    assertReport(check([p]), '', 'exactly-1mib.md');
  });
});

describe('spkiosk check: command line', () => {
  it('spkiosk check procedures: the sample library has no error', () => {
    const r = check(['procedures']);
    assert.equal(r.status, 0, show(r));
    const errors = r.stdout.split('\n').filter((l) => l && !/^.+?:\d+: warning: /.test(l));
    assert.deepEqual(errors, [], show(r));
  });

  it('spkiosk check with no argument checks ./procedures (repository root)', () => {
    const a = check([]);
    const b = check(['procedures']);
    assert.equal(a.stdout, b.stdout);
    assert.equal(a.status, b.status);
  });

  it('spkiosk check with no argument checks ./procedures (a folder with a broken file)', () => {
    const tmp = makeTmp();
    try {
      fs.mkdirSync(path.join(tmp, 'procedures', 'demo'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'procedures', 'demo', 'README.md'), '# 示例\n');
      fs.writeFileSync(path.join(tmp, 'procedures', 'demo', 'broken.md'), '# 没有步骤\n\n测试。\n');
      const r = check([], { cwd: tmp });
      assertReport(r, 'procedures/demo/broken.md:1: 没有任何步骤：除办理条件等信息部分外，至少要有一个 ## 步骤标题'
        + '（政策文件请在开头写 kind: policy）\n', 'default ./procedures');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a missing path exits 1 and names the path', () => {
    const r = check(['no/such/file.md']);
    assert.equal(r.status, 1, show(r));
    assert.match(r.stdout + r.stderr, /no\/such\/file\.md/, show(r));
  });

  it('a missing path does not stop the other paths from being checked', () => {
    const rel = `${FIX}/body/two-h1.md`;
    const r = check(['no/such/file.md', rel]);
    assert.equal(r.status, 1, show(r));
    assert.ok(r.stdout.includes(fs.readFileSync(path.join(FIX_ABS, 'body', 'two-h1.expected'), 'utf8')), show(r));
  });

  it('several files in one call: reports of each, in argument order', () => {
    const a = `${FIX}/frontmatter/unknown-key.md`;
    const b = `${FIX}/body/two-h1.md`;
    const exp = (x) => fs.readFileSync(path.join(ROOT, x.replace(/\.md$/, '.expected')), 'utf8');
    assertReport(check([a, b]), exp(a) + exp(b), 'two files');
  });

  // `spkiosk check practice/demo*` as the shell expands it: checking
  // demo.md proves demo.practice.md too, and each of its lines printed a
  // second time read as a second mistake (a hall admin's walk saw them
  // doubled); so does a folder given with a file inside it
  it('overlapping paths (a file and its practice file, a folder and a file in it) print each line once', () => {
    const dir = `${FIX}/practice-tree/practice`;
    const tree = fs.readFileSync(path.join(FIX_ABS, 'practice-tree.expected'), 'utf8')
      .split('\n').filter((l) => l.startsWith(`${dir}/demo.`)).map((l) => `${l}\n`).join('');
    assert.ok(tree.includes('demo.practice.md:'), 'the fixture has practice lines');
    assertReport(check([`${dir}/demo.md`, `${dir}/demo.practice.md`]), tree, 'demo.md demo.practice.md');
    const r = check([dir, `${dir}/demo.practice.md`]);
    const lines = r.stdout.split('\n').filter((l) => l);
    assert.deepEqual(lines, [...new Set(lines)], show(r));
    assert.equal(r.status, 1, show(r));
  });

  it('spkiosk check --help exits 0 and prints the usage', () => {
    const r = check(['--help']);
    assert.equal(r.status, 0, show(r));
    assert.match(r.stdout, /usage: spkiosk check/);
  });

  // 2, bad usage (man page), apart from the 1 of a file with an error
  it('an unknown option is refused with exit 2', () => {
    const r = check(['--no-such-option']);
    assert.equal(r.status, 2, show(r));
    assert.match(r.stderr, /^spkiosk check: unknown option --no-such-option\n/, show(r));
    assert.equal(r.stdout, '', show(r));
  });
});

// Run with no path from a folder without ./procedures (an admin's home on
// the server), it said 「procedures:1: 找不到这个文件或文件夹」 and no more:
// now it says that the default is ./procedures and how to name the folder.
describe('no path, and no ./procedures here', () => {
  let tmp;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-check-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  it('says what it looked for and how to name the library', () => {
    const r = check([], { cwd: tmp });
    assert.equal(r.status, 1, show(r));
    assert.equal(r.stdout, 'procedures:1: 当前文件夹里没有 procedures 文件夹：不写路径时检查的是它。'
      + '请写出事项文件夹的路径，如 spkiosk check /var/lib/spkiosk/procedures\n', show(r));
    // a path given that is not there is still the plain message, with its name
    const p = check(['nowhere'], { cwd: tmp });
    assert.equal(p.status, 1, show(p));
    assert.equal(p.stdout, 'nowhere:1: 找不到这个文件或文件夹\n', show(p));
  });
});
