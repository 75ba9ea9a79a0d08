// The library scan's rules for what it reads, skips and reports, as
// docs/procedure-format.md states them ("Where files live" and the limits):
// a mutation review of src/library.c found these unpinned. `spkiosk check`
// runs the same scan as the daemon, so most are pinned on its report; the
// category list (order, titles, descriptions) on the daemon's answer.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, startDaemon, makeTmp, rmTmp, writeTree, getJSON, sleep } from './helpers.mjs';

const proc = (title) => `# ${title}\n\n${title}的简介。\n\n## 第一步：准备\n- [ ] 身份证\n`;

function check(dir) {
  const r = spawnSync(BIN, ['check', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return r;
}

// The report's lines about rel (a path under dir).
const about = (r, dir, rel) => r.stdout.split('\n').filter((l) => l.startsWith(`${path.join(dir, rel)}:`));
const show = (r) => `--- stdout\n${r.stdout}--- stderr\n${r.stderr}--- exit ${r.status}`;

describe('the library scan: what is read, skipped and reported', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));
  const dir = writeTree(path.join(tmp, 'tree'), {
    'good/README.md': '# 好\n\n说明。\n',
    'good/a.md': proc('甲'),
    // a sub-folder of a category: a warning, not read
    'good/sub/x.md': 'not a procedure',
    // any case but .md: an error at line 1, not read (the English
    // reference; see the report for the Chinese guide's line 86)
    'good/b.MD': proc('乙'),
    'good/c.Md': proc('丙'),
    // a name starting with "." is skipped, whatever it holds
    'good/.draft.md': '\0 not UTF-8 \xff',
    'good/notes.txt': 'ignored silently',
    // no README.md: a warning, not an error
    'nore/d.md': proc('丁'),
    // an H1 with no text is no title: a warning
    'notitle/README.md': '#\n\n说明。\n',
    'notitle/e.md': proc('戊'),
    // order's bounds are inclusive
    'edge/README.md': '---\norder: 1000000\n---\n# 边\n\n说明。\n',
    'edge/f.md': proc('己'),
    'over/README.md': '---\norder: -1000001\n---\n# 超\n\n说明。\n',
    'over/g.md': proc('庚'),
    // a .md file directly in the procedures folder: an error, not read
    'top.md': proc('顶'),
    // README.md in another case: an error naming the right name, not an
    // item refused for having no step
    'lower/readme.md': '# 小写\n\n说明。\n',
    'lower/h.md': proc('辛'),
    'mixed/Readme.md': '# 混合\n\n说明。\n',
    'mixed/i.md': proc('壬'),
  });
  // links are never followed: a link named .md is an error, any other
  // link is ignored like any other non-.md name
  fs.symlinkSync(path.join(dir, 'good/a.md'), path.join(dir, 'good/link.md'));
  fs.symlinkSync(path.join(dir, 'good/a.md'), path.join(dir, 'good/link.txt'));
  const r = check(dir);

  it('a sub-folder of a category is a warning and is not read', () => {
    assert.deepEqual(about(r, dir, 'good/sub'), [
      `${dir}/good/sub:1: warning: 分类里的子文件夹不会被读取；事项文件请直接放在分类文件夹里`], show(r));
    assert.deepEqual(about(r, dir, 'good/sub/x.md'), [], show(r));
  });

  it('a .MD or .Md file in a category is an error at its line 1', () => {
    for (const n of ['b.MD', 'c.Md']) {
      assert.deepEqual(about(r, dir, `good/${n}`), [
        `${dir}/good/${n}:1: 文件名「${n}」的扩展名要写成小写的 .md,否则不会被读取；请改名`], show(r));
    }
  });

  it('names starting with "." and non-.md files are skipped in silence', () => {
    for (const n of ['.draft.md', 'notes.txt', 'link.txt']) assert.deepEqual(about(r, dir, `good/${n}`), [], n);
  });

  it('a symbolic link named .md is an error', () => {
    assert.deepEqual(about(r, dir, 'good/link.md'), [
      `${dir}/good/link.md:1: 这个文件是符号链接（指向别处的文件），为了安全不读取；请放真正的文件`], show(r));
  });

  it('a category without README.md is a warning, not an error', () => {
    assert.deepEqual(about(r, dir, 'nore'), [
      `${dir}/nore:1: warning: 分类文件夹没有 README.md,将用文件夹名「nore」作为分类名称`], show(r));
  });

  it('a README whose H1 is empty is a warning: the folder name is the title', () => {
    assert.deepEqual(about(r, dir, 'notitle/README.md'), [
      `${dir}/notitle/README.md:1: warning: 缺少分类名称（# 开头的一行），将用文件夹名「notitle」`], show(r));
  });

  it('order accepts ±1000000 and refuses beyond', () => {
    assert.deepEqual(about(r, dir, 'edge/README.md'), [], show(r));
    assert.deepEqual(about(r, dir, 'over/README.md'), [
      `${dir}/over/README.md:2: order 应是一个整数，「-1000001」不是`], show(r));
  });

  it('a .md file directly in the procedures folder is an error', () => {
    assert.deepEqual(about(r, dir, 'top.md'), [
      `${dir}/top.md:1: 事项文件要放在分类文件夹里（如 employment/top.md），这个文件没有读取`], show(r));
  });

  it('a README.md named in another case is an error naming README.md, and not an item', () => {
    for (const n of ['lower/readme.md', 'mixed/Readme.md']) {
      const name = n.split('/')[1];
      assert.deepEqual(about(r, dir, n), [
        `${dir}/${n}:1: 分类说明文件的名字要写成 README.md（README 大写，.md 小写）；「${name}」没有读取，请改名`], show(r));
    }
  });

  it('the good files report nothing', () => {
    for (const n of ['good/a.md', 'good/README.md', 'nore/d.md', 'edge/f.md']) {
      assert.deepEqual(about(r, dir, n), [], n);
    }
  });
});

describe('a _triage.md that cannot be read', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  it('is an error, not taken for a missing (optional) file', () => {
    // a folder named _triage.md: open succeeds, reading it does not
    const dir = writeTree(path.join(tmp, 'tree'), { 'good/a.md': proc('甲'), '_triage.md/x': '' });
    const r = check(dir);
    assert.deepEqual(about(r, dir, '_triage.md'), [`${dir}/_triage.md:1: 无法读取分诊文件`], show(r));
    assert.equal(r.status, 1, show(r));
  });
});

describe('spkiosk check of a category folder', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  it('checks a practice file once, with its procedure', () => {
    const dir = writeTree(path.join(tmp, 'tree'), { 'cat/a.md': proc('甲'), 'cat/a.practice.md': 'garbage\n' });
    const r = check(path.join(dir, 'cat'));
    assert.deepEqual(about(r, dir, 'cat/a.practice.md'), [
      `${dir}/cat/a.practice.md:1: 练习文件里没有场景：每个场景以二级标题 ## 开头，下面写情况说明和 \`\`\`case 块`], show(r));
  });
});

// YYYY-MM-DD of today + days, local time like the daemon's date
function dayPlus(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('review_by in a scanned tree', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  it('warns within 30 days of the date, not earlier (as a file checked alone)', () => {
    const soon = dayPlus(10);
    const dir = writeTree(path.join(tmp, 'tree'), {
      'cat/soon.md': `---\nreview_by: ${soon}\n---\n${proc('甲')}`,
      'cat/later.md': `---\nreview_by: ${dayPlus(60)}\n---\n${proc('乙')}`,
    });
    const r = check(dir);
    assert.deepEqual(about(r, dir, 'cat/soon.md'), [
      `${dir}/cat/soon.md:2: warning: 复核日期 review_by 快到了（${soon}）：请提前核对现行政策`], show(r));
    assert.deepEqual(about(r, dir, 'cat/later.md'), [], show(r));
  });
});

describe('a file with a missing office and a missing post', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  it('reports both: one run, every error', () => {
    const dir = writeTree(path.join(tmp, 'tree'), {
      '_directory.md': '# 办事地点\n\n## 派出所 {#paichusuo}\n- 地址：幸福路 12 号\n',
      '_posts.md': '# 岗位\n\n- window 综合窗口（A岗）\n',
      'cat/both.md': '# 两处\n\n请到[医保中心](../_directory.md#yibao)。\n\n## 办理流程\n\n```chain\n'
        + 'accept | 社区受理 | window | 1\napprove | 审批 | district | 15\n```\n\n## 第一步：准备\n- [ ] 身份证\n',
    });
    const r = check(dir);
    assert.deepEqual(about(r, dir, 'cat/both.md'), [
      `${dir}/cat/both.md:3: 链接的办事地点 yibao 在 _directory.md 里找不到`,
      `${dir}/cat/both.md:9: 环节 approve 的岗位 district 在 _posts.md 里找不到：请先在岗位文件里加上这个岗位，或改用已有的岗位编号`,
    ], show(r));
  });

  it('reports both when the file is checked alone too (spkiosk check FILE)', () => {
    // the tree above: the folder's parent holds _directory.md and _posts.md
    const dir = path.join(tmp, 'tree');
    const r = check(path.join(dir, 'cat/both.md'));
    assert.deepEqual(about(r, dir, 'cat/both.md'), [
      `${dir}/cat/both.md:3: 链接的办事地点 yibao 在 _directory.md 里找不到`,
      `${dir}/cat/both.md:9: 环节 approve 的岗位 district 在 _posts.md 里找不到：请先在岗位文件里加上这个岗位，或改用已有的岗位编号`,
    ], show(r));
    assert.equal(r.status, 1, show(r));
  });
});

describe('two files claiming one id (spkiosk check: nothing is live)', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  // each refused file claims the id by its `id:` (line 2), where it is told
  it('the file named by the id keeps it; else the later by path is refused', () => {
    const dir = writeTree(path.join(tmp, 'tree'), {
      // neither is named "same": b.md, the later, is refused
      'cat/a.md': `---\nid: same\n---\n${proc('甲')}`,
      'cat/b.md': `---\nid: same\n---\n${proc('乙')}`,
      // c.md comes first by path, but zz.md is named by the id it claims
      'cat/c.md': `---\nid: zz\n---\n${proc('丙')}`,
      'cat/zz.md': proc('丁'),
    });
    const r = check(dir);
    const taken = r.stdout.split('\n').filter((l) => l.includes('已被'));
    assert.deepEqual(taken, [
      `${dir}/cat/b.md:2: 编号 same 已被 cat/a.md 使用：两个文件不能用同一个编号。请改新加的那个文件的文件名或开头信息里的 id；已经在用的那个不要改，居民的链接和二维码认的是编号`,
      `${dir}/cat/c.md:2: 编号 zz 已被 cat/zz.md 使用；请改文件名或开头信息里的 id`,
    ], show(r));
  });

  // An admin starting a new item copies relief.md into another folder.
  // By path the copy (aaa/) kept the id and the original was told to
  // rename: which one is new, check cannot know, so it says so.
  it('the same file name in two folders: the refused one is told to rename the new one', () => {
    const dir = writeTree(path.join(tmp, 'copy'), {
      'aaa/relief.md': proc('老人救助（复制来改的）'),
      'zzz/relief.md': proc('临时救助'),
    });
    const r = check(dir);
    const taken = r.stdout.split('\n').filter((l) => l.includes('已被'));
    assert.deepEqual(taken, [
      `${dir}/zzz/relief.md:1: 编号 relief 已被 aaa/relief.md 使用：两个文件不能用同一个编号。请改新加的那个文件的文件名或开头信息里的 id；已经在用的那个不要改，居民的链接和二维码认的是编号`,
    ], show(r));
  });
});

describe('at most 200 categories', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  it('the 201st folder by name is refused, the 200th is read', () => {
    const files = {};
    for (let i = 0; i < 201; i++) {
      const c = `c${String(i).padStart(3, '0')}`;
      files[`${c}/README.md`] = `# 分类${i}\n\n说明。\n`;
    }
    const dir = writeTree(path.join(tmp, 'tree'), files);
    const r = check(dir);
    const capped = r.stdout.split('\n').filter((l) => l.includes('分类太多'));
    assert.deepEqual(capped, [`${dir}/c200:1: 分类太多，最多 200 个`], show(r));
  });
});

describe('GET /api/v1/categories from the scan', () => {
  const tmp = makeTmp();
  let d;
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('sorts by order (default 1000), then id; titles and descriptions as documented', async () => {
    const tree = writeTree(path.join(tmp, 'tree'), {
      'a-late/README.md': '---\norder: 1001\n---\n# 晚\n\n晚的说明。\n',
      'a-late/p1.md': proc('一'),
      'z-early/README.md': '---\norder: 999\n---\n# 早\n\n早的说明。\n',
      'z-early/p2.md': proc('二'),
      // no order: 1000, between the two; equal orders go by id
      'm-mid/README.md': '# 中\n\nfirst line\nsecond line\n',
      'm-mid/p3.md': proc('三'),
      'b-mid/p4.md': proc('四'),
      'c-mid/README.md': '#\n\n空标题。\n',
      'c-mid/p5.md': proc('五'),
    });
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
    const cats = (await getJSON(`${d.url}/api/v1/categories`)).categories;
    assert.deepEqual(cats.map((c) => [c.id, c.title, c.description]), [
      ['z-early', '早', '早的说明。'],
      // no README: the folder name, an empty description
      ['b-mid', 'b-mid', ''],
      // an empty H1: the folder name
      ['c-mid', 'c-mid', '空标题。'],
      // a soft line break inside the paragraph reads as a space
      ['m-mid', '中', 'first line second line'],
      ['a-late', '晚', '晚的说明。'],
    ]);
  });
});

describe('a procedures folder that cannot be read at a reload', () => {
  const tmp = makeTmp();
  let d;
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('keeps serving what was loaded before: nothing is retired', async () => {
    const tree = writeTree(path.join(tmp, 'tree'), { 'cat/a.md': proc('甲'), 'cat/b.md': proc('乙') });
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
    const ids = async () => (await getJSON(`${d.url}/api/v1/procedures`)).procedures.map((p) => p.id);
    assert.deepEqual(await ids(), ['a', 'b']);
    // gone from under the daemon (a botched checkout, an unmounted disk)
    fs.renameSync(tree, `${tree}.away`);
    d.proc.kill('SIGHUP');
    for (let i = 0; i < 400 && !/cannot read .*serving what was loaded before/.test(d.stderr()); i++) await sleep(25);
    assert.match(d.stderr(), /spkiosk: cannot read .*; serving what was loaded before/);
    assert.deepEqual(await ids(), ['a', 'b']);
    fs.renameSync(`${tree}.away`, tree);
  });
});

describe('an id held live by a file that is always parsed again', () => {
  const tmp = makeTmp();
  let d;
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('stays with it when another file claims it (a practice file forces the parse)', async () => {
    const tree = writeTree(path.join(tmp, 'tree'), {
      'cat/b.md': `---\nid: zz\n---\n${proc('乙')}`,
      // its practice file: b.md is parsed at every load, never reused
      'cat/b.practice.md': 'garbage\n',
    });
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
    const loads = () => (d.stderr().match(/spkiosk: loaded /g) || []).length;
    const n = loads();
    // a.md comes first by path and is not named zz either
    fs.writeFileSync(path.join(tree, 'cat/a.md'), `---\nid: zz\n---\n${proc('甲')}`);
    d.proc.kill('SIGHUP');
    for (let i = 0; i < 400 && loads() <= n; i++) await sleep(25);
    assert.match(d.stderr(), /cat\/a\.md:2: 编号 zz 已被 cat\/b\.md 使用/);
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/zz`)).title, '乙');
  });
});

describe('a link into _assets/ that names a folder', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  it('is warned like a missing file: there is no file to show', () => {
    const dir = writeTree(path.join(tmp, 'tree'), {
      'cat/a.md': '# 表格\n\n[下载表格](../_assets/forms)\n\n## 第一步：准备\n- [ ] 身份证\n',
      '_assets/forms/apply.pdf': 'pdf',
    });
    const r = check(dir);
    assert.deepEqual(about(r, dir, 'cat/a.md'), [
      `${dir}/cat/a.md:3: warning: 链接的文件 _assets/forms 不存在，页面上会显示不出来`], show(r));
  });
});
