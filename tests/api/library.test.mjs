// The sample library in procedures/: only robust properties, since its
// content changes. It loads without errors, is big enough, and the
// documented Chinese searches find titles.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, SAMPLE_TREE, request, getJSON, useDaemon } from './helpers.mjs';

const ctx = useDaemon({ tree: SAMPLE_TREE });

const api = (p) => `${ctx.daemon.url}${p}`;
const hidden = (name) => name.startsWith('_') || name.startsWith('.');

// procedures/<category>/<file>.md, except README.md, practice files and _/. names.
function procedureFiles() {
  const out = [];
  for (const d of fs.readdirSync(SAMPLE_TREE, { withFileTypes: true })) {
    if (!d.isDirectory() || hidden(d.name)) continue;
    for (const f of fs.readdirSync(path.join(SAMPLE_TREE, d.name), { withFileTypes: true })) {
      // ID.practice.md holds training scenarios, not a procedure
      if (f.isFile() && f.name.endsWith('.md') && f.name !== 'README.md' && !hidden(f.name)
        && !f.name.endsWith('.practice.md')) {
        out.push(`${d.name}/${f.name}`);
      }
    }
  }
  return out.sort();
}

describe('sample library procedures/', () => {
  it('`spkiosk check procedures` reports no error (exit 0)', () => {
    const r = spawnSync(BIN, ['check', SAMPLE_TREE], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `check exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(`${r.stdout}\n${r.stderr}`, /^[^\s:]+:\d+: (?!warning:)/m, 'check printed an error line');
  });

  it('the daemon serves every procedure file (none failed to load)', async () => {
    const list = (await getJSON(api('/api/v1/procedures'))).procedures;
    const files = procedureFiles();
    assert.equal(list.length, files.length,
      `served ${list.length} of ${files.length} files; served: ${list.map((p) => `${p.category}/${p.id}`).join(' ')}`);
    const ids = list.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
  });

  it('has at least 8 categories, each with the count the list gives', async () => {
    const cats = (await getJSON(api('/api/v1/categories'))).categories;
    assert.ok(cats.length >= 8, `only ${cats.length} categories`);
    const list = (await getJSON(api('/api/v1/procedures'))).procedures;
    for (const c of cats) {
      assert.equal(typeof c.title, 'string');
      assert.ok(c.title.length > 0);
      assert.equal(c.procedures, list.filter((p) => p.category === c.id).length, `count of ${c.id}`);
    }
  });

  it('has at least 24 procedures, each with a detail answer', async () => {
    const list = (await getJSON(api('/api/v1/procedures'))).procedures;
    assert.ok(list.length >= 24, `only ${list.length} procedures`);
    for (const p of list) {
      const d = await getJSON(api(`/api/v1/procedures/${p.id}`));
      assert.equal(d.id, p.id);
      assert.match(d.hash, /^[0-9a-f]{64}$/);
      if (d.kind === 'procedure') assert.ok(d.steps.length > 0, `${p.id} has no step`);
    }
  });

  for (const q of ['劳动', '低保', '证']) {
    it(`search ${q} finds at least one procedure with ${q} in its title`, async () => {
      const list = (await getJSON(api(`/api/v1/procedures?q=${encodeURIComponent(q)}`))).procedures;
      assert.ok(list.some((p) => p.title.includes(q)),
        `no title hit for ${q}: ${JSON.stringify(list.map((p) => p.title))}`);
    });
  }

  it('the triage flow, if present, loads and links only to served procedures and its own questions', async (t) => {
    if (!fs.existsSync(path.join(SAMPLE_TREE, '_triage.md'))) {
      t.skip('no procedures/_triage.md yet');
      return;
    }
    const r = await request(api('/api/v1/triage'));
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const ids = new Set((await getJSON(api('/api/v1/procedures'))).procedures.map((p) => p.id));
    const qids = new Set(r.body.questions.map((q) => q.id));
    assert.ok(qids.has(r.body.start));
    for (const q of r.body.questions) {
      assert.ok(q.answers.length > 0, `question ${q.id} has no answers`);
      for (const a of q.answers) {
        if ('procedure' in a) assert.ok(ids.has(a.procedure), `triage links to ${a.procedure}`);
        if ('goto' in a) assert.ok(qids.has(a.goto), `triage goes to ${a.goto}`);
      }
    }
  });
});

// The sample's forms must check what its own conditions say (issue #9): the
// labour handbook is for people of working age, so a 1940 birth date is
// refused at the form, and a 1985 one is taken.
describe('sample library: forms match their conditions', () => {
  const post = (p, body) => request(api(p), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const form = (id) => ({
    name: '张晓梅', id_number: id, mobile: '13800138000', education: '高中', address: '幸福路12号3单元201室',
  });

  it('the labour handbook refuses an applicant past working age and takes one of working age', async () => {
    const c = (await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'kiosk' })).body;
    assert.equal((await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.id}/steps/0`,
      { fields: { hukou: '本市户籍', status: '失业' } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.id}/steps/1`,
      { checklist: { 'id_card': true, 'hukou_book': true } })).status, 200);
    const old = await post(`/api/v1/cases/${c.id}/steps/2`, { fields: form('11010519400101123X') });
    assert.equal(old.status, 422, old.text);
    assert.equal(old.body.field_codes.id_number, 'too_old', old.text);
    const ok = await post(`/api/v1/cases/${c.id}/steps/2`, { fields: form('11010519850315102X') });
    assert.equal(ok.status, 200, ok.text);
  });
});
