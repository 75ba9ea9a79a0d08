// A procedure with a review chain is reused at a load like any unchanged
// file while _posts.md keeps the text its chain was checked against
// (schema/025-chain-check.sql), and parsed again once _posts.md changes on
// disk: a post taken away in an editor is still reported on the file that
// names it (the kiosk keeps the last good version, as for any error).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTmp, request, rmTmp, sleep, startDaemon, writeTree } from './helpers.mjs';

const POSTS = '# 岗位\n\n- window 综合窗口（A岗）\n- civil 民政专干\n';
const CHAIN = `---
time_limit: 26个工作日
---
# 低保申请

低保申请的简介。

## 办理流程
社区受理后报街道审核。

\`\`\`chain
accept | 社区受理初审 | window | 1
street | 街道审核     | civil  | 10
\`\`\`

## 第一步：准备
- [ ] 身份证
`;
const PLAIN = '# 普通事项\n\n普通事项的简介。\n\n## 第一步：准备\n- [ ] 身份证\n';

// The daemon's load lines so far.
const loads = (d) => d.stderr().split('\n').filter((l) => l.includes('spkiosk: loaded '));

// A reload asked for (SIGHUP) and its own load line: the first load line
// after the daemon's "SIGHUP: reloading" line (as hupLoad in
// cases-version.test.mjs). The daemon reads the signal and runs the load on
// the one thread that also runs the watcher's loads, so no other load comes
// between the two lines, and the load reads the tree as it is after the
// test's writes. The watcher also reloads after a file changes, before or
// after this one: the assertions below hold for the SIGHUP's load in either
// order. (It took the last load line after 1.5 s without a new one: on a
// slow machine that could be the watcher's, a load other than the one
// asked for.)
const reload = async (d) => {
  const from = d.stderr().length;
  const own = /SIGHUP: reloading[^\n]*\n(?:[^\n]*\n)*?([^\n]*spkiosk: loaded [^\n]*)\n/;
  d.proc.kill('SIGHUP');
  for (let t = 0; !own.test(d.stderr().slice(from)); t += 50) {
    assert.ok(t < 20000, `no load after SIGHUP:\n${d.stderr()}`);
    await sleep(50);
  }
  return d.stderr().slice(from).match(own)[1];
};

let tmp;
before(() => { tmp = makeTmp(); });
after(() => rmTmp(tmp));

describe('chain files across loads', () => {
  it('are reused while _posts.md is the same, and checked again once it changes', async () => {
    const tree = writeTree(path.join(tmp, 'tree'), {
      '_posts.md': POSTS,
      'work/README.md': '# 测试\n\n测试。\n',
      'work/dibao.md': CHAIN,
      'work/plain.md': PLAIN,
    });
    // a file's stamp is kept only once the file is a second old
    await sleep(1100);
    const d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
    try {
      for (let t = 0; loads(d).length < 1; t++) {
        assert.ok(t < 500, d.stderr());
        await sleep(20);
      }
      assert.match(loads(d)[0], /2 live \(2 parsed/);
      assert.match(await reload(d), /2 live \(0 parsed, 2 unchanged.*; 2 files unread/,
        'the chain file was read again though _posts.md did not change');

      fs.writeFileSync(path.join(tree, '_posts.md'), '# 岗位\n\n- window 综合窗口（A岗）\n');
      await sleep(1100);
      const gone = await reload(d);
      assert.match(gone, /1 with errors/, gone);
      assert.match(gone, /1 files unread/, 'the chain file was reused though _posts.md changed');
      assert.match(d.stderr(), /dibao\.md:\d+: .*civil/);
      // the kiosk keeps serving its last good version meanwhile
      assert.equal((await request(`${d.url}/api/v1/procedures/dibao`)).status, 200);

      // and the post back: the file is good again
      fs.writeFileSync(path.join(tree, '_posts.md'), POSTS);
      await sleep(1100);
      // (the watcher's load parsed it again; a load after it reuses it)
      assert.match(await reload(d), /2 live \(\d parsed, \d unchanged, 0 with errors/);

      // a post added: the chain is checked against the new text once, and
      // that text is remembered: the load after it reuses the chain file
      fs.writeFileSync(path.join(tree, '_posts.md'), `${POSTS}- extra 新增岗位\n`);
      await sleep(1100);
      assert.match(await reload(d), /2 live \(\d parsed, \d unchanged, 0 with errors/);
      assert.match(await reload(d), /2 live \(0 parsed, 2 unchanged, 0 with errors/,
        'the chain file was parsed again though _posts.md had not changed since');
    } finally {
      await d.stop('SIGTERM');
    }
  });

  // _posts.md broken (a duplicate line) with a new post in it: its last good
  // text stays live, but the chains were checked against the broken one, so
  // a chain naming the new post went live with a post no staffer can be
  // given (an admin's review). They are checked against the live posts.
  it('are checked against the live posts while _posts.md has errors', async () => {
    const tree = writeTree(path.join(tmp, 'tree2'), {
      '_posts.md': POSTS,
      'work/README.md': '# 测试\n\n测试。\n',
      'work/dibao.md': CHAIN,
    });
    const d = await startDaemon({ tree, db: path.join(tmp, 'y.db') });
    try {
      const good = (await request(`${d.url}/api/v1/procedures/dibao`)).body.hash;
      fs.writeFileSync(path.join(tree, '_posts.md'), `${POSTS}- civil2 街道专干\n- window 重复的一行\n`);
      fs.writeFileSync(path.join(tree, 'work/dibao.md'), CHAIN.replace('| civil  | 10', '| civil2 | 10'));
      await sleep(1100);
      const last = await reload(d);
      assert.match(last, /with errors/, last);
      assert.match(d.stderr(), /_posts\.md:\d+: /, 'the broken posts file is reported');
      assert.match(d.stderr(), /dibao\.md:\d+: 环节 street 的岗位 civil2 不在现在生效的 _posts\.md 里（那个文件这次的修改有错误，没有生效）/);
      assert.equal((await request(`${d.url}/api/v1/procedures/dibao`)).body.hash, good,
        'the last good version stays live');
    } finally {
      await d.stop('SIGTERM');
    }
  });
});
