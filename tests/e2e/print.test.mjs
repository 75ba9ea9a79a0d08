// The one-time notice (一次性告知单) keeps the promise of its button (issue
// #9): every item of the sample library prints on one A4 sheet, says
// nothing twice (the fee and the basis once, a shared field label once)
// and carries none of the screen's typing tips.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk } from './helpers.mjs';

const k = useKiosk();

// Pages of a PDF chromium made: its page objects (not the /Pages tree).
function pageCount(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) || []).length;
}

describe('the one-time notice', () => {
  it('fits one A4 sheet for every item of the sample library', async () => {
    const r = await fetch(`${k.url}/api/v1/procedures`);
    const ids = (await r.json()).procedures.filter(p => p.kind === 'procedure').map(p => p.id);
    assert.ok(ids.length >= 20, `only ${ids.length} items`);
    const context = await k.browser.newContext();
    try {
      const page = await context.newPage();
      const over = [];
      for (const id of ids) {
        await page.goto(`${k.url}/print/procedures/${id}`);
        const n = pageCount(await page.pdf({ format: 'A4', preferCSSPageSize: true }));
        assert.ok(n >= 1, `${id}: no page in the PDF`);
        if (n !== 1) over.push(`${id}: ${n} pages`);
      }
      assert.deepEqual(over, []);
    } finally {
      await context.close();
    }
  });

  it('says the fee and the basis once, and no typing tip of the screen', async () => {
    const html = await (await fetch(`${k.url}/print/procedures/labour-handbook`)).text();
    // the file has a 收费标准 section and a fee in its front matter
    assert.equal((html.match(/免费|不收取任何费用/g) || []).length, 1, 'the fee twice');
    assert.ok(!html.includes('<dt>收费</dt>'), 'the fee fact beside the 收费标准 section');
    assert.ok(!html.includes('<dt>办理依据</dt>'), 'the basis fact beside the 设定依据 section');
    assert.ok(html.includes('设定依据') && html.includes('收费标准'));
    // the step's tip for typing the address is the screen's, not the sheet's
    assert.ok(!html.includes('门牌号'), 'a typing tip on the sheet');
    assert.match(html, /（需填写：姓名、公民身份号码/);
  });

  it('names a label two fields share once', async () => {
    const html = await (await fetch(`${k.url}/print/procedures/extreme-poverty-support`)).text();
    const list = html.match(/（需填写：[^）]*出生日期[^）]*）/);
    assert.ok(list, 'no field list with 出生日期');
    assert.equal(list[0].split('出生日期').length - 1, 1, list[0]);
  });
});
