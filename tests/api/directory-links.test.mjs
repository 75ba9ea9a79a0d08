// _directory.md edited on disk while files link to its offices: a text
// that takes away an office still linked (or a deleted file) is refused,
// the live offices stay, and the error names every link; a link is checked
// against the offices that stay live; a file that links an office is
// checked again after the directory changes even when it did not change
// itself (it has no practice file, so it would be reused by its stamp).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { allHtml, getJSON, sleep } from './helpers.mjs';
import { get, useAdminDaemon } from './admin-helpers.mjs';

const office = (id, name) => `## ${name} {#${id}}\n- 地址:幸福路 ${id.length} 号\n`;
const DIR = `# 其他办事地点\n\n${office('paichusuo', '派出所')}\n${office('yibao', '医疗保障服务站')}`;
const TRIAGE = (to) => `# 分诊\n\n## 您想办什么? {#start}\n- [办身份证](_directory.md#paichusuo)\n` +
  `- [报销](_directory.md#${to})\n- [办印章](services/seal.md)\n`;
const SEAL = (to) => `# 印章刻制备案\n\n为单位办理印章刻制备案。\n\n报销问题请到[医疗保障服务站](../_directory.md#${to})。\n\n` +
  '## 第一步:准备材料\n- [ ] 单位介绍信\n';
const README = (n) => `# 综合服务${n}\n\n各类综合服务。\n`;

const h = useAdminDaemon({
  '_directory.md': DIR,
  '_triage.md': TRIAGE('yibao'),
  'services/README.md': README(0),
  'services/seal.md': SEAL('yibao'),
});

let reloads = 0;
// Writes files, then waits for the load that read them (the category's
// title, written last, tells it apart).
async function write(files) {
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(h.tree, rel);
    if (text === null) fs.rmSync(p);
    else fs.writeFileSync(p, text);
  }
  const title = `综合服务${++reloads}`;
  fs.writeFileSync(path.join(h.tree, 'services/README.md'), README(reloads));
  h.daemon.proc.kill('SIGHUP');
  for (let i = 0; i < 200; i++) {
    const c = await getJSON(`${h.daemon.url}/api/v1/categories`);
    if (c.categories[0]?.title === title) return;
    await sleep(25);
  }
  assert.fail(`no reload after writing ${Object.keys(files)}`);
}

const offices = async () => (await getJSON(`${h.daemon.url}/api/v1/directory`)).offices.map((o) => o.id);
const problems = async (file) => (await get(h, '/api/v1/admin/procedures')).body.problems
  .filter((p) => p.file === file && p.severity === 'error');
const sealHtml = async () => allHtml(await getJSON(`${h.daemon.url}/api/v1/procedures/seal`)).join('\n');
const triageOffices = async () => (await getJSON(`${h.daemon.url}/api/v1/triage`)).questions[0].answers
  .map((a) => a.office).filter(Boolean);

describe('_directory.md changed on disk under live links', () => {
  it('taking away an office a file still links is refused; the error names each link', async () => {
    await write({ '_directory.md': `# 其他办事地点\n\n${office('paichusuo', '派出所')}` });
    assert.deepEqual(await offices(), ['paichusuo', 'yibao'], 'the live offices stay');
    const errs = await problems('_directory.md');
    assert.equal(errs.length, 2, JSON.stringify(errs));
    assert.ok(errs.every((e) => e.line === 1 && e.message.includes('yibao')), JSON.stringify(errs));
    assert.ok(errs.some((e) => e.message.includes('services/seal.md 第 5 行')), JSON.stringify(errs));
    assert.ok(errs.some((e) => e.message.includes('_triage.md 第 5 行')), JSON.stringify(errs));
    // the linking files are fine: they link an office residents still see
    assert.deepEqual(await problems('services/seal.md'), []);
    assert.deepEqual(await problems('_triage.md'), []);
    assert.match(await sealHtml(), /href="#\/office\/yibao"/);
  });

  it('a link to an office only the refused text has is an error of its file, which keeps its last good version', async () => {
    // yibao renamed yibaozhan; the triage follows, the procedure does not
    const renamed = `# 其他办事地点\n\n${office('paichusuo', '派出所')}\n${office('yibaozhan', '医疗保障服务站')}`;
    await write({ '_directory.md': renamed, '_triage.md': TRIAGE('yibaozhan') });
    assert.deepEqual(await offices(), ['paichusuo', 'yibao']);
    assert.ok((await problems('_directory.md')).some((e) => e.message.includes('services/seal.md 第 5 行')));
    const t = await problems('_triage.md');
    assert.ok(t.some((e) => e.line === 5 && e.message.includes('yibaozhan')), JSON.stringify(t));
    assert.deepEqual(await triageOffices(), ['paichusuo', 'yibao'], 'the last good triage stays');
    // the procedure follows too: everything goes live together
    await write({ 'services/seal.md': SEAL('yibaozhan') });
    assert.deepEqual(await offices(), ['paichusuo', 'yibaozhan']);
    assert.deepEqual(await problems('_directory.md'), []);
    assert.deepEqual(await problems('_triage.md'), []);
    assert.deepEqual(await triageOffices(), ['paichusuo', 'yibaozhan']);
    assert.match(await sealHtml(), /href="#\/office\/yibaozhan"/);
  });

  it('an unchanged file is checked against a changed directory', async () => {
    // seal.md is not written again: its stamp alone would let it be reused
    await write({ '_directory.md': `# 其他办事地点\n\n${office('paichusuo', '派出所')}\n${office('yibaozhan', '医保站')}`,
      '_triage.md': TRIAGE('paichusuo') });
    assert.deepEqual(await problems('_directory.md'), []);
    assert.equal((await getJSON(`${h.daemon.url}/api/v1/directory`)).offices[1].name, '医保站');
    await write({ '_directory.md': `# 其他办事地点\n\n${office('paichusuo', '派出所')}` });
    const errs = await problems('_directory.md');
    assert.equal(errs.length, 1, JSON.stringify(errs));
    assert.match(errs[0].message, /yibaozhan.*services\/seal\.md 第 5 行/);
    assert.deepEqual(await offices(), ['paichusuo', 'yibaozhan']);
  });

  it('deleting _directory.md while links remain keeps the offices; without links it goes', async () => {
    await write({ '_directory.md': null });
    assert.deepEqual(await offices(), ['paichusuo', 'yibaozhan']);
    const errs = await problems('_directory.md');
    assert.ok(errs.length >= 2 && errs.every((e) => /_directory\.md 不见了/.test(e.message)), JSON.stringify(errs));
    await write({ '_triage.md': '# 分诊\n\n## 您想办什么? {#start}\n- [办印章](services/seal.md)\n',
      'services/seal.md': SEAL('x').replace(/报销问题.*\n\n/, '') });
    assert.deepEqual(await offices(), []);
    assert.deepEqual(await problems('_directory.md'), []);
  });
});
