// GET /api/v1/directory: the offices of _directory.md, the last good version
// kept when an edit breaks it, an empty list (never a 404) without the file;
// triage answers and procedure text that link to an office.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { request, getJSON, useDaemon, sleep, allHtml } from './helpers.mjs';

const DIRECTORY = '# 其他办事地点\n\n## 派出所 {#paichusuo}\n- 地址:幸福路 12 号\n- 电话:0535-0000110\n' +
  '- 时间:周一至周五 9:00—17:00\n- 关键词:身份证、户口迁移\n\n' +
  '## 医疗保障服务站 {#yibao}\n- 地址:健康路 8 号\n- 电话:0535-0000012\n';
const files = {
  '_directory.md': DIRECTORY,
  '_triage.md': '# 分诊\n\n## 您想办什么? {#start}\n- [办身份证](_directory.md#paichusuo)\n- [办印章](services/seal.md)\n',
  'services/README.md': '# 综合服务\n\n各类综合服务。\n',
  'services/seal.md': '# 印章刻制备案\n\n为单位办理印章刻制备案。\n\n' +
    '报销问题请到[医疗保障服务站](../_directory.md#yibao)。\n\n## 第一步:准备材料\n- [ ] 单位介绍信\n',
};

const ctx = useDaemon({ files });
const bare = useDaemon({ files: { 'services/README.md': files['services/README.md'],
  'services/seal.md': '# 印章刻制备案\n\n## 第一步:准备材料\n- [ ] 单位介绍信\n' } });

async function waitFor(url, pred) {
  let body;
  for (let i = 0; i < 200; i++) {
    body = await getJSON(url);
    if (pred(body)) return body;
    await sleep(25);
  }
  assert.fail(`condition not met; last answer ${JSON.stringify(body)}`);
}

describe('GET /api/v1/directory', () => {
  it('lists the offices with id, name, lines, keywords and pinyin, in file order', async () => {
    const r = await request(`${ctx.daemon.url}/api/v1/directory`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /application\/json/);
    assert.deepEqual(r.body, { offices: [
      { id: 'paichusuo', name: '派出所', lines: ['地址:幸福路 12 号', '电话:0535-0000110', '时间:周一至周五 9:00—17:00'],
        keywords: ['身份证', '户口迁移'],
        // name and keywords spelled, full and initials, for the kiosk's search by pinyin
        pinyin: ['paichusuo', 'pcs', 'shenfenzheng', 'sfz', 'hukouqianyi', 'hkqy'] },
      { id: 'yibao', name: '医疗保障服务站', lines: ['地址:健康路 8 号', '电话:0535-0000012'], keywords: [],
        pinyin: ['yiliaobaozhangfuwuzhan', 'ylbzfwz'] },
    ] });
  });

  it('is {"offices":[]} with 200 when there is no _directory.md', async () => {
    const r = await request(`${bare.daemon.url}/api/v1/directory`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { offices: [] });
  });

  it('a triage answer linking to an office carries "office"', async () => {
    const t = await getJSON(`${ctx.daemon.url}/api/v1/triage`);
    assert.deepEqual(t.questions[0].answers[0], { text: '办身份证', office: 'paichusuo' });
  });

  it('a procedure\'s link to an office points at the kiosk\'s #/office/ID', async () => {
    const p = await getJSON(`${ctx.daemon.url}/api/v1/procedures/seal`);
    const html = allHtml(p).join('\n');
    assert.match(html, /<a href="#\/office\/yibao">医疗保障服务站<\/a>/);
    assert.doesNotMatch(html, /_directory\.md/);
  });

  it('a reload picks up an edit; a broken edit keeps the last good offices', async () => {
    const tree = path.join(ctx.tmp, 'tree');
    fs.writeFileSync(path.join(tree, '_directory.md'),
      DIRECTORY.replace('0535-0000110', '0535-0000119'));
    ctx.daemon.proc.kill('SIGHUP');
    await waitFor(`${ctx.daemon.url}/api/v1/directory`,
      (b) => b.offices[0]?.lines[1] === '电话:0535-0000119');
    // an office without lines is an error: nothing changes for residents
    fs.writeFileSync(path.join(tree, '_directory.md'),
      DIRECTORY.replace('0535-0000110', '0535-0000999') + '\n## 公证处 {#gongzheng}\n');
    fs.writeFileSync(path.join(tree, 'services/README.md'), '# 综合服务(改)\n\n各类综合服务。\n');
    ctx.daemon.proc.kill('SIGHUP');
    await waitFor(`${ctx.daemon.url}/api/v1/categories`, (b) => b.categories[0]?.title === '综合服务(改)');
    const d = await getJSON(`${ctx.daemon.url}/api/v1/directory`);
    assert.equal(d.offices[0].lines[1], '电话:0535-0000119');
    assert.equal(d.offices.length, 2);
  });
});
