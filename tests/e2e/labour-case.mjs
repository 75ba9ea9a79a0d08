// A resident's labour-handbook case (sample library) walked through the API up
// to its ticket, as the kiosk sends it; shared by the browser tests that need
// a handed-in case (staff.test.mjs, backin.test.mjs) or its form (keypad.test.mjs);
// and a 高龄津贴 case at its review (visit.test.mjs, calendar-year.test.mjs).
import assert from 'node:assert/strict';
import { authHeaders } from '../api/helpers.mjs';

export const ID = '11010519850315102X';
export const NAME = '张晓梅';

// POST p with a JSON body to the daemon at base; asserts a 2xx answer and
// returns its JSON (or null).
export async function apiPost(base, p, body, headers = { 'content-type': 'application/json' }) {
  const r = await fetch(base + p, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
  const text = await r.text();
  assert.ok(r.ok, `${p}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// Returns the id of a new case on the daemon at base, at its form (step 2:
// name, ID number, mobile…), its conditions and first steps answered.
export async function labourForm(base) {
  const post = (p, body) => apiPost(base, p, body);
  const c = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'kiosk' });
  await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
  await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
  await post(`/api/v1/cases/${c.id}/steps/1`, { checklist: { 'id_card': true, 'hukou_book': true } });
  return c.id;
}

// Returns {id, ticket} of a new waiting case on the daemon at base.
export async function labourCase(base) {
  const post = (p, body) => apiPost(base, p, body);
  const c = { id: await labourForm(base) };
  await post(`/api/v1/cases/${c.id}/steps/2`, {
    fields: { name: NAME, id_number: ID, mobile: '13800138000', education: '高中', address: '幸福路12号3单元201室' },
  });
  await post(`/api/v1/cases/${c.id}/steps/3`, {});
  const s = await post(`/api/v1/cases/${c.id}/submit`);
  return { id: c.id, ticket: s.ticket };
}

// An ID number of someone born on 1940-03-05 (over 80), with its check character.
export function oldId() {
  const body = '11010519400305002';
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

// A 高龄津贴 case (sample library, `visit: yes`) on the daemon at base,
// walked to its review through the API; its id (visit.test.mjs,
// calendar-year.test.mjs).
export async function longevityCase(base, channel = 'kiosk') {
  const post = (p, body) => apiPost(base, p, body);
  const c = await post('/api/v1/cases', { procedure: 'longevity-allowance', channel });
  await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
  await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { proxy: false } });
  await post(`/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, hukou_book: true, own_card: true } });
  await post(`/api/v1/cases/${c.id}/steps/2`, {
    fields: { name: '王秀英', id_number: oldId(), phone: '0535-6221234', address: '幸福小区3栋2单元501', bank_card: '6222020200112233445' },
  });
  await post(`/api/v1/cases/${c.id}/steps/3`, {});
  return c.id;
}

// An ID number of 17 digits with its check character (GB 11643).
export function cnId(d17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...d17].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return d17 + '10X98765432'[sum % 11];
}

// A 残疾人证 case (a pickup item) of the resident name with idNumber on the
// daemon at base: handed in at the kiosk, every paper and a good form,
// taken along its chain by the staff session (login's) and done, so that
// it waits to be collected (待领取; ready-list.test.mjs). Returns {id,
// ticket}.
export async function readyCase(base, staff, name, idNumber) {
  const PROC = 'disability-certificate';
  const post = (p, body, headers) => apiPost(base, p, body, headers);
  const r = await fetch(`${base}/api/v1/procedures/${PROC}`);
  assert.equal(r.status, 200);
  const P = await r.json();
  const { id } = await post('/api/v1/cases', { procedure: PROC, channel: 'kiosk' });
  await post(`/api/v1/cases/${id}/conditions`, { confirmed: P.conditions.map(() => true) });
  const answers = { category: '肢体', guardian_apply: 'no', name, id_number: idNumber,
    mobile: '13800138000', address: '幸福路12号3单元401室' };
  for (const [n, s] of P.steps.entries()) {
    if (s.if) continue;    // the guardian's step: not for this resident
    const body = {};
    if (s.fields.length) body.fields = Object.fromEntries(s.fields.filter((f) => !f.if).map((f) => [f.key, answers[f.key]]));
    if (s.checklist.length) body.checklist = Object.fromEntries(s.checklist.map((i) => [i.id, true]));
    await post(`/api/v1/cases/${id}/steps/${n}`, body);
  }
  const { ticket } = await post(`/api/v1/cases/${id}/submit`, {});
  const h = authHeaders(staff);
  await post(`/api/v1/staff/cases/${id}/accept`, {}, h);
  await post(`/api/v1/staff/cases/${id}/pass`, { note: '已发评定表' }, h);
  await post(`/api/v1/staff/cases/${id}/pass`, { note: '评定为肢体三级' }, h);
  assert.equal((await post(`/api/v1/staff/cases/${id}/complete`, { outcome: '残疾人证已送回社区' }, h)).status, 'ready');
  return { id, ticket };
}
