// /admin/evaluators (评价器): the address of each window's evaluator. The
// evaluator (/rate) hands out the token that rates the case just served at
// its window, so it answers only with the window's key in its address; the
// admin makes the key here and opens the address once on the window's
// tablet. 换新地址 makes a new key (the tablet with the old one stops at
// once and says to ask staff), 停用 removes it; 在本设备打开 logs out and
// turns the device showing the page into that window's evaluator.
import { el, busy, focusMark } from './core.js';
import { api } from './api.js';
import { ensureLogin, errorText, sessionBadge } from './auth.js';
import { offerNewerBuild } from './fresh.js';
import { checkWindow, windowName } from './calls.js';

const $ = (id) => document.getElementById(id);

// a window is digits, Latin letters or Chinese (checkWindow): written as is,
// 综合窗口 stays readable in the box, and a browser takes it typed or pasted
function address(k) {
  return `${location.origin}/rate?window=${k.window}&key=${k.key}`;
}

function say(text, cls = 'msg-ok') {
  const m = $('keys-msg');
  m.className = cls;
  m.textContent = text;
}

async function make(window, button) {
  const free = focusMark(button);
  try {
    const k = (await busy(button, () => api('/api/v1/admin/rate-keys', { method: 'POST', body: { window } }))).body;
    await load();
    say(`${windowName(k.window)}的新地址已经生成：请在这个窗口的评价器上打开它。旧地址（如果有）已经停用。`);
    // to the new address, unless the admin has gone on meanwhile (the
    // next window's number in 窗口号)
    if (free()) $(`addr-${k.window}`)?.focus();
  } catch (x) {
    say(errorText(x), 'msg-error');
  }
}

async function remove(k, button) {
  if (!confirm(`停用${windowName(k.window)}的评价器地址？停用后这台评价器不能再评价，直到重新生成地址。`)) return;
  const free = focusMark(button);
  try {
    await busy(button, () => api('/api/v1/admin/rate-keys/remove', { method: 'POST', body: { window: k.window } }));
    await load();
    say(`${windowName(k.window)}的评价器地址已经停用。`);
    // the row went with its button: the focus would fall to the page's
    // start, and a keyboard user tab through the header again (not taken
    // from where the admin has put it meanwhile)
    if (free()) $('new-window').focus();
  } catch (x) {
    say(errorText(x), 'msg-error');
  }
}

async function copy(k, button) {
  try {
    await navigator.clipboard.writeText(address(k));
    say(`已复制${windowName(k.window)}的地址。`);
    button.focus();
  } catch {
    // no clipboard (plain http on another machine): the address is
    // selected and keeps the focus, for the Ctrl+C the message asks for
    // (with the focus given back to the button, Ctrl+C copied nothing)
    const a = $(`addr-${k.window}`);
    a.focus();
    a.select();
    say('浏览器不让复制：地址已经选中，请按 Ctrl+C 复制。', 'msg-warn');
  }
}

// Set up on the tablet itself: the admin logs in there, makes or finds the
// window's address and opens it, with no 32 digits to type. The session
// ends first: a tablet facing residents must not keep an admin logged in.
async function openHere(k, button) {
  if (!confirm(`这台设备将退出管理后台，成为${windowName(k.window)}的评价器。继续吗？`)) return;
  try {
    await busy(button, () => api('/api/v1/logout', { method: 'POST', session: false }));
  } catch (x) {
    say(`没有退出登录，所以没有打开：${errorText(x)}`, 'msg-error');
    return;
  }
  location.replace(address(k));
}

function table(keys) {
  if (!keys.length) return el('p', { class: 'hint', id: 'keys-none' }, '还没有窗口的评价器地址。');
  return el('table', { id: 'keys' },
    el('caption', { class: 'sr-only' }, '各窗口评价器的地址'),
    el('thead', {}, el('tr', {}, ['窗口', '评价器地址', '生成', '操作'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, keys.map((k) => el('tr', { 'data-window': k.window },
      el('th', { scope: 'row' }, windowName(k.window)),
      el('td', {}, el('input', {
        id: `addr-${k.window}`, class: 'rate-addr', readonly: true, value: address(k), size: '60',
        'aria-label': `${windowName(k.window)}评价器的地址`,
      })),
      el('td', {}, `${new Date(k.made_at).toLocaleString('zh-CN', { hour12: false })}，${k.made_by}`),
      el('td', {}, el('span', { class: 'btn-row' },
        el('button', { type: 'button', class: 'btn btn-small', onClick: (e) => copy(k, e.currentTarget) }, '复制地址'),
        el('button', { type: 'button', class: 'btn btn-small', onClick: (e) => openHere(k, e.currentTarget) }, '在本设备打开'),
        el('button', { type: 'button', class: 'btn btn-small', onClick: (e) => {
          if (confirm(`给${windowName(k.window)}换新地址？旧地址马上停用，要在评价器上打开新地址。`)) make(k.window, e.currentTarget);
        } }, '换新地址'),
        el('button', { type: 'button', class: 'btn btn-small btn-danger', onClick: (e) => remove(k, e.currentTarget) }, '停用')))))));
}

async function load() {
  const keys = (await api('/api/v1/admin/rate-keys')).body.keys;
  $('keys-wrap').replaceChildren(table(keys));
}

async function start() {
  const main = $('main');
  await ensureLogin(main, 'admin');
  $('session').replaceChildren(sessionBadge());
  const input = el('input', { id: 'new-window', name: 'window', required: true, size: '8', autocomplete: 'off' });
  const form = el('form', { id: 'new-key', class: 'btn-row', novalidate: true },
    el('label', { for: 'new-window' }, '窗口号'), input,
    el('button', { type: 'submit', class: 'btn btn-primary' }, '生成评价器地址'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const w = checkWindow(input.value);
    if (!w) {
      say('请填写窗口号，如 3 或 综合窗口（不超过 8 个字，只用数字、字母和汉字）。', 'msg-error');
      input.focus();
      return;
    }
    make(w, form.querySelector('button'));
  });
  main.replaceChildren(el('h1', {}, '评价器（好差评）'),
    el('p', { class: 'hint' }, '每个窗口面向群众的评价器（平板或副屏）要打开本窗口的评价器地址，才会显示刚办完的事项、收下评价。' +
      '地址里带有这个窗口的密钥：没有密钥的评价器不能评价，这样大厅 Wi-Fi 上的手机看不到、也代替不了群众的评价。' +
      '地址只在评价器上打开，不要发给别人；如果地址泄露了，点“换新地址”。'),
    form,
    el('p', { id: 'keys-msg', role: 'status' }),
    el('div', { id: 'keys-wrap' }));
  try {
    await load();
  } catch (x) {
    say(errorText(x), 'msg-error');
  }
}

if (typeof document !== 'undefined' && $('main')) {
  start();
  offerNewerBuild(import.meta.url);
}
