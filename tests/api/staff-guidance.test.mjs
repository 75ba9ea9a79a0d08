// Staff-only guidance (`{staff}` block quotes, docs/procedure-format.md):
// in the staff case view, per step, and nowhere a resident can reach — not
// the procedure JSON, the print sheet, the case route, the slip or search.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { allHtml } from './helpers.mjs';
import { useWindow, residentCase } from './staff-helpers.mjs';

const h = useWindow();
// words that occur only inside the fixture's {staff} quotes
const SECRET = ['暗号甲乙丙', '暗号丁戊己', '核对户口簿首页', '人口系统'];

describe('staff guidance', () => {
  let c;
  before(async () => { c = await residentCase(h); });

  it('is in the staff case view, in its step\'s staff_html, not in html', async () => {
    const r = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(r.status, 200, r.text);
    const [s0, s1, s2] = r.body.procedure_steps;
    assert.match(s0.staff_html, /<blockquote>/);
    assert.ok(s0.staff_html.includes('核对户口簿首页与本人页的印章'), s0.staff_html);
    assert.ok(s0.staff_html.includes('暗号甲乙丙'));
    assert.ok(!s0.staff_html.includes('{staff}'));
    assert.ok(s1.staff_html.includes('暗号丁戊己'), s1.staff_html);
    assert.equal(s2.staff_html, null);
    assert.ok(s0.html.includes('白底彩色'), 'the public tip stays in html');
    for (const s of [s0, s1, s2]) for (const w of SECRET) assert.ok(!s.html.includes(w), `${w} in html`);
  });

  it('is in none of the public routes', async () => {
    const texts = [];
    for (const p of ['/api/v1/procedures/residence', '/print/procedures/residence', `/api/v1/cases/${c.id}`,
      `/print/cases/${c.id}`, '/api/v1/procedures', '/api/v1/procedures?category=hall']) {
      const r = await h.get(p);
      assert.equal(r.status, 200, `${p}: ${r.text}`);
      texts.push([p, r.text]);
    }
    const detail = JSON.parse(texts[0][1]);
    assert.ok(allHtml(detail).some((x) => x.includes('白底彩色')), 'the public tip is published');
    for (const [p, t] of texts) {
      for (const w of [...SECRET, '{staff}', 'staff_html']) assert.ok(!t.includes(w), `${w} in ${p}`);
    }
  });

  it('is not searchable, while the public text is', async () => {
    for (const q of ['暗号', '甲乙丙', '人口系统', '印章']) {
      const r = await h.get(`/api/v1/procedures?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.procedures, [], `search ${q}`);
    }
    const r = await h.get(`/api/v1/procedures?q=${encodeURIComponent('白底彩色')}`);
    assert.deepEqual(r.body.procedures.map((p) => p.id), ['residence']);
  });
});
