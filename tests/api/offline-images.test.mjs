// "No page loads anything from outside the daemon (the hall's network may
// have no internet)": an image a procedure file links on another host
// (`![样表](https://…)`, `//host/…`) is shown as its description in the
// procedure JSON the kiosk renders and on the printed sheet, never as an
// <img> pointing outside; `spkiosk check` warns at its line so the admin
// moves the picture into _assets/. A picture in _assets/ and a data: image
// stay. Before 2026-12-06 the URL went into the page as written.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, request, useDaemon } from './helpers.mjs';

const IMG = `# 图片事项

简介 ![外网样表](https://example.com/a.png) 和 ![本机样表](../_assets/form.png)

## 第一步：准备
![二号样表](//example.com/b.png)

> 提示 ![照片样式](HTTP://example.com/c.png) [政策原文](https://example.com/policy)

- [ ] 身份证
`;
const files = {
  'work/README.md': '# 就业\n\n就业类。\n',
  'work/img.md': IMG,
  '_assets/form.png': Buffer.from('89504e470d0a1a0a', 'hex'),
};
const h = useDaemon({ files });

const srcs = (html) => [...html.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/g)].map((m) => m[1]);
const external = (u) => /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(u) && !/^data:/i.test(u);

describe('images on another host', () => {
  it('are never an <img> of the procedure JSON: the description stands instead', async () => {
    const r = await request(`${h.daemon.url}/api/v1/procedures/img`);
    assert.equal(r.status, 200, r.text);
    const html = [r.body.summary_html, ...r.body.steps.map((s) => s.html)].join('\n');
    assert.deepEqual(srcs(html).filter(external), [], html);
    assert.deepEqual(srcs(html), ['/media/form.png']);
    for (const alt of ['外网样表', '二号样表', '照片样式']) assert.ok(html.includes(alt), alt);
    assert.ok(html.includes('href="https://example.com/policy"'), 'a link is not a load: kept');
  });

  it('nor of the printed sheet', async () => {
    const r = await request(`${h.daemon.url}/print/procedures/img`);
    assert.equal(r.status, 200);
    assert.deepEqual(srcs(r.text).filter(external), []);
    assert.ok(r.text.includes('外网样表'));
  });

  it('are warned by spkiosk check at their lines, the file still passing', () => {
    const c = spawnSync(BIN, ['check', path.join(h.tmp, 'tree')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(c.status, 0, c.stdout + c.stderr);
    const lines = (c.stdout + c.stderr).split('\n').filter((l) => l.includes('在互联网上'));
    assert.deepEqual(lines.map((l) => /img\.md:(\d+): warning:/.exec(l)?.[1]), ['3', '6', '8'], lines.join('\n'));
  });
});
