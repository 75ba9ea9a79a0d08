// From home on a phone (网上办事) with the phone's page zoom up: Chrome on
// Android zooms a page for an older resident (设置 › 无障碍 › 页面缩放), and
// the page is then laid out narrower: a 360 px wide phone at 125 % is 288
// CSS px wide, at 150 % 240. The screens of a walk, normal and 大字, must
// not scroll sideways there: the home's category tiles (at least 14rem
// wide, 308 px with 大字), the answers of a question (13rem) and a
// material's （如有） (kept on one line beside it) did, and a resident
// reading a line had to pan to see its end.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, setMode, shot, horizontalOverflow, smallTargets } from './helpers.mjs';
import { apiPost } from './labour-case.mjs';

const k = useKiosk();

// 360×740 at 125 % and 150 %
const ZOOMED = [{ width: 288, height: 592 }, { width: 240, height: 493 }];

describe('a phone zoomed in: no sideways scroll', () => {
  // web cases at their conditions, at their first step (two questions
  // with options), at their materials (an item marked （如有）) and at
  // their form
  const at = {};
  before(async () => {
    const post = (p, body) => apiPost(k.url, p, body);
    const start = async () => (await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' })).id;
    at.conditions = await start();
    at.options = await start();
    await post(`/api/v1/cases/${at.options}/conditions`, { confirmed: [true, true, true] });
    at.checklist = await start();
    await post(`/api/v1/cases/${at.checklist}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${at.checklist}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    at.form = await start();
    await post(`/api/v1/cases/${at.form}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${at.form}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    await post(`/api/v1/cases/${at.form}/steps/1`, { checklist: { id_card: true, hukou_book: true } });
  });

  for (const viewport of ZOOMED) {
    it(`${viewport.width} CSS px wide, normal and 大字`, async () => {
      const kp = await kioskPage(k, { viewport, hasTouch: true, isMobile: true });
      const { page } = kp;
      const bad = [];
      try {
        for (const big of [false, true]) {
          for (const [name, route, re] of [
            ['home', '/#/', /^#\/$/],
            ['category', '/#/c/employment', /^#\/c\/employment$/],
            ['overview', '/#/p/labour-handbook', /^#\/p\/labour-handbook$/],
            ['conditions', `/#/case/${at.conditions}/conditions`, /\/conditions$/],
            ['step with options', `/#/case/${at.options}/step/0`, /\/step\/0$/],
            ['checklist', `/#/case/${at.checklist}/step/1`, /\/step\/1$/],
            ['form', `/#/case/${at.form}/step/2`, /\/step\/2$/],
          ]) {
            await atRoute(page, re, () => page.goto(k.url + route));
            await setMode(page, { lang: 'zh', big });
            const over = await horizontalOverflow(page);
            // what made room must not shrink a target under the web's 44 px
            const small = await smallTargets(page, 44);
            if (over || small.length) {
              if (over) bad.push(`${name}${big ? ' 大字' : ''}: ${over}`);
              bad.push(...small.map((x) => `${name}${big ? ' 大字' : ''}: target under 44 px: ${x}`));
              await shot(page, `phone-zoom-${viewport.width}-${name.replace(/ /g, '-')}${big ? '-big' : ''}`, { fullPage: false });
            }
          }
        }
        assert.deepEqual(bad, [], `${viewport.width} px`);
        kp.assertClean(`${viewport.width} px`);
      } finally {
        await kp.context.close();
      }
    });
  }
});
