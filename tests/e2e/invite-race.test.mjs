// 通知来大厅 over a colleague's invitation of the same web case: li's page
// shows it in pre-review; wang invites it meanwhile (and phones the
// resident). Before, li's date and note replaced wang's without a word.
// The page now sends the status and date it showed: the refusal redraws
// the case with wang's date and keeps li's note under the message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, useTwoStaff, staffLogin, holdQueueRefresh } from './helpers.mjs';
import { writeTree, makeTmp, login, authHeaders } from '../api/helpers.mjs';
import { apiPost } from './labour-case.mjs';

const tree = writeTree(makeTmp('spkiosk-e2e-invrace-'), {
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/aid.md': '---\nversion: 2026-01-01\nphone: 0535-7654321\n---\n# 临时救助\n\n简介。\n\n'
    + '## 第一步：准备\n- [ ] 身份证 {#id_card}\n',
});
const k = useKiosk({ tree });

function day(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

describe('an invitation over a colleague\'s', () => {
  const two = useTwoStaff(k);

  it('is refused; the page shows the colleague\'s date and keeps the note written', async () => {
    const { page } = two.kp;
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'aid', channel: 'web' });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/0`, { checklist: { id_card: true } });
    const s = await apiPost(k.url, `/api/v1/cases/${c.id}/submit`, { prereview: true });
    assert.equal(s.status, 'prereview');
    await staffLogin(page, k.url, 'li', 'li-password-12');
    await page.locator('#case-key').fill(c.id);
    await page.keyboard.press('Enter');
    const pane = page.locator('#case-pane');
    await pane.getByRole('button', { name: '通知来大厅', exact: true }).click();
    const note = '请带身份证原件，上午到 3 号窗口';
    await page.fill('#invite-note', note);
    const release = await holdQueueRefresh(page);
    try {
      const wang = await login(k.url, 'wang', 'wang-password-1');
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/invite`, {
        method: 'POST', headers: authHeaders(wang), body: JSON.stringify({ date: day(5), note: '请带户口簿' }) });
      assert.equal(r.status, 200, await r.text());
      await pane.locator('form button[type=submit]').click();
      await pane.locator('.case-msg', { hasText: '同事刚刚已通知过' }).waitFor();
    } finally {
      await release();
    }
    assert.equal(await pane.locator('.case-msg textarea.typed-kept').inputValue(), note, 'the note written, kept');
    const li = await login(k.url, 'li', 'li-password-12');
    const v = await (await fetch(`${k.url}/api/v1/staff/cases/${c.id}`, { headers: authHeaders(li) })).json();
    assert.equal(v.invite.date, day(5), 'wang\'s date stands');
    assert.equal(v.invite.note, '请带户口簿');
    assert.match(await pane.innerText(), new RegExp(day(5).slice(5).replace('-', '.*')), 'redrawn with that date');
    two.kp.assertClean('staff page');
  });
});
