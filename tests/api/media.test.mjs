// Files of procedures/_assets/ linked from a procedure: the HTML points at
// /media/NAME, the daemon serves them, nothing outside _assets/ is reachable,
// and `check` warns about a link to a missing file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, startDaemon, makeTmp, rmTmp, writeTree, getJSON, request, logLine } from './helpers.mjs';

const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c50000000049454e44ae426082', 'hex');

describe('procedure media under /media/', () => {
  let tmp, tree, d;
  before(async () => {
    tmp = makeTmp();
    tree = path.join(tmp, 'tree');
    writeTree(tree, {
      'cat/README.md': '# 类\n\n说明。\n',
      'cat/photo-rules.md': '# 照片要求\n\n照片样式见下图。\n\n![白底照片](../_assets/photo.png)\n\n' +
        '## 第一步：准备照片\n- [ ] 一寸照片 2 张\n\n[下载表格](../_assets/forms/apply.pdf)\n',
      'cat/chinese-names.md': '# 中文文件名\n\n![样例](../_assets/样例.PNG) ![编码](../_assets/%E6%A0%B7%E4%BE%8B.PNG)\n' +
        '![图](../_assets/diagram.svg)\n\n## 第一步：看图\n- [ ] 看懂了\n',
    });
    fs.mkdirSync(path.join(tree, '_assets', 'forms'), { recursive: true });
    fs.writeFileSync(path.join(tree, '_assets', 'photo.png'), png);
    fs.writeFileSync(path.join(tree, '_assets', '样例.PNG'), png);
    fs.mkdirSync(path.join(tree, '_assets', 'sub'));
    fs.writeFileSync(path.join(tree, '_assets', 'sub', '.secret'), 'hidden');
    fs.writeFileSync(path.join(tree, '_assets', 'edit.txt'), 'first');
    fs.writeFileSync(path.join(tree, '_assets', `${'n'.repeat(196)}.txt`), 'long name');
    fs.writeFileSync(path.join(tree, '_assets', 'diagram.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
  });
  after(async () => {
    if (d) assert.equal((await d.stop()).code, 0);
    rmTmp(tmp);
  });

  it('rewrites links into _assets/ to /media/', async () => {
    const p = await getJSON(`${d.url}/api/v1/procedures/photo-rules`);
    assert.match(p.summary_html, /<img src="\/media\/photo\.png" alt="白底照片"/);
    assert.match(p.steps[0].html, /<a href="\/media\/forms\/apply\.pdf">下载表格<\/a>/);
    assert.doesNotMatch(JSON.stringify(p), /_assets/);
  });

  it('serves the file with its type and an ETag', async () => {
    const r = await fetch(`${d.url}/media/photo.png`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/png');
    assert.ok(r.headers.get('etag'));
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), png);
    // the access log counts the file's bytes (docs/deployment.md, "Monitoring")
    const id = r.headers.get('x-request-id');
    const line = await logLine(d, id);
    assert.match(line, new RegExp(` bytes=${png.length} `), line);
  });

  // journalctl shows a line that is not valid UTF-8 as "[N blob data]":
  // a path with a byte of no character (anyone on the hall's Wi-Fi can send
  // one) is logged with that byte escaped, its line still readable
  it('logs a path holding a byte of no character with the byte escaped', async () => {
    const r = await fetch(`${d.url}/media/%e5%9b%be%ff.png`);
    assert.equal(r.status, 404);
    const line = await logLine(d, r.headers.get('x-request-id'));
    assert.ok(!line.includes('\ufffd'), `a raw byte that is no UTF-8 in the log: ${line}`);
    assert.match(line, / path="\/media\/图\\xff\.png" /, line);
  });

  it('serves nothing outside _assets/ and 404s a missing file', async () => {
    for (const p of ['/media/forms/apply.pdf', '/media/../cat/photo-rules.md',
      '/media/%2e%2e/cat/photo-rules.md', '/media/.hidden', '/media/']) {
      const r = await request(`${d.url}${p}`);
      assert.equal(r.status, 404, p);
    }
  });

  it('serves no hidden file in a subfolder, no folder, no name past 200 bytes', async () => {
    for (const p of ['/media/sub/.secret', '/media/sub', `/media/${'n'.repeat(197)}.txt`]) {
      const r = await request(`${d.url}${p}`);
      assert.equal(r.status, 404, p);
    }
    const r = await request(`${d.url}/media/${'n'.repeat(196)}.txt`);
    assert.equal(r.status, 200, '200 bytes is a name');
  });

  it('revalidates each time, and an edit of the same size with a new time is a new ETag', async () => {
    const file = path.join(tree, '_assets', 'edit.txt');
    // the times are set, not taken from the clock: the same under faketime
    fs.utimesSync(file, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    const a = await request(`${d.url}/media/edit.txt`);
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('cache-control'), 'no-cache');
    fs.writeFileSync(file, 'again');
    fs.utimesSync(file, new Date('2026-01-02T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
    const b = await request(`${d.url}/media/edit.txt`, { headers: { 'If-None-Match': a.headers.get('etag') } });
    assert.equal(b.status, 200, 'not a 304 of the old bytes');
    assert.equal(b.text, 'again');
    assert.notEqual(b.headers.get('etag'), a.headers.get('etag'));
  });

  it('serves Chinese and upper-case names, written plain or percent-encoded', async () => {
    const p = await getJSON(`${d.url}/api/v1/procedures/chinese-names`);
    const enc = encodeURIComponent('样例') + '.PNG';
    assert.equal(p.summary_html.split(`src="/media/${enc}"`).length - 1, 2, p.summary_html);
    const r = await fetch(`${d.url}/media/${enc}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/png');
  });

  it('serves an SVG sandboxed: a script in it never runs as a page of the daemon', async () => {
    const r = await fetch(`${d.url}/media/diagram.svg`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  });

  it('check finds _assets/ from inside the category folder too', () => {
    const r = spawnSync(BIN, ['check', 'chinese-names.md'], { cwd: path.join(tree, 'cat'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
  });

  it('check warns about the link to a missing file, at its line', () => {
    const r = spawnSync(BIN, ['check', path.join(tree, 'cat', 'photo-rules.md')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, `${path.join(tree, 'cat', 'photo-rules.md')}:10: warning: ` +
      '链接的文件 _assets/forms/apply.pdf 不存在，页面上会显示不出来\n');
  });
});
