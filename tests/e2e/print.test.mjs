// The one-time notice (一次性告知单) keeps the promise of its button (issue
// #9): every item of the sample library prints on one A4 sheet, says
// nothing twice (the fee and the basis once, a shared field label once)
// and carries none of the screen's typing tips, while the tips of the
// steps of papers are printed under 需要准备.
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
    // the tip of the step of papers is the sheet's too (and fits the page)
    assert.ok(html.includes('只办电子证的，不需要带照片。'), 'the papers\' tip is not on the sheet');
    assert.match(html, /（需填写：姓名、公民身份号码/);
  });

  it('says 适用对象 once: the section, not also the front matter\'s line', async () => {
    // the sample's policy documents have both (audience: and ## 适用对象),
    // two different texts under the same heading on the one sheet
    for (const id of ['resident-pension-contribution-levels', 'employment-difficulty',
      'minimum-living-standard', 'longevity-allowance-standard']) {
      const html = await (await fetch(`${k.url}/print/procedures/${id}`)).text();
      assert.ok(html.includes('<h2>适用对象</h2>'), `${id}: no 适用对象 section`);
      assert.ok(!html.includes('<dt>适用对象</dt>'), `${id}: the audience fact beside the 适用对象 section`);
    }
    // an item without the section keeps the fact
    const html = await (await fetch(`${k.url}/print/procedures/labour-handbook`)).text();
    assert.ok(html.includes('<dt>适用对象</dt>'), 'labour-handbook lost its audience line');
  });

  it('names a label two fields share once', async () => {
    const html = await (await fetch(`${k.url}/print/procedures/extreme-poverty-support`)).text();
    const list = html.match(/（需填写：[^）]*出生日期[^）]*）/);
    assert.ok(list, 'no field list with 出生日期');
    assert.equal(list[0].split('出生日期').length - 1, 1, list[0]);
  });
});

// The slip leaves the page size to the printer (an 80 mm roll at the
// kiosk): the sheets' `@page { size: A4 }` applies to every page, named
// ones too, so the slip's `@page slip` must say `size: auto`. Without it a
// receipt printer was handed an A4 page, scaled to 80 mm: a 40 pt ticket
// printed at about 15 pt. Both from the slip's own page and from the
// kiosk's preview (打印凭条, the sheet inside the kiosk page); the notice
// stays A4.
describe('the slip\'s paper', () => {
  const mediaBox = (pdf) => {
    const m = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
    return m ? [Number(m[1]), Number(m[2])] : null;
  };
  const MM80 = 80 / 25.4 * 72;   // points
  const A4W = 210 / 25.4 * 72;

  it('is the printer\'s (80 mm), not A4; the notice stays A4', async () => {
    const { labourCase } = await import('./labour-case.mjs');
    const c = await labourCase(k.url);
    const context = await k.browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
    try {
      const page = await context.newPage();
      const roll = { width: '80mm', height: '200mm', preferCSSPageSize: true };
      await page.goto(`${k.url}/print/cases/${c.id}`);
      let box = mediaBox(await page.pdf(roll));
      assert.ok(box && Math.abs(box[0] - MM80) < 1, `the slip's page is ${box} pt wide, not the roll's ${MM80.toFixed(1)}`);
      await page.goto(`${k.url}/?kiosk=1#/code`);
      await page.locator('#code-q').fill(c.id);
      await page.keyboard.press('Enter');
      await page.locator('#main a', { hasText: '打印凭条' }).click();
      await page.locator('#main .print-doc .qr svg').waitFor();
      box = mediaBox(await page.pdf(roll));
      assert.ok(box && Math.abs(box[0] - MM80) < 1, `the kiosk's slip page is ${box} pt wide, not the roll's`);
      await page.goto(`${k.url}/print/procedures/labour-handbook`);
      box = mediaBox(await page.pdf(roll));
      assert.ok(box && Math.abs(box[0] - A4W) < 1, `the notice's page is ${box} pt wide, not A4`);
    } finally {
      await context.close();
    }
  });
});
