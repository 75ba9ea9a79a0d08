// /admin/readiness (谁能办什么, AB岗): items × staff from the practice
// record. A cell says who passed every scenario of the item's current
// practice file within the last year (with the date), whose pass stands
// over scenarios added since (until it lapses), whose pass is from before
// the procedure changed, or whose pass lapsed (已过期: a refresher, not a
// first training); an item without two staff covering it has no real A and
// B post and is marked so.
import { el } from './core.js';
import { api } from './api.js';
import { ensureLogin, errorText, sessionBadge } from './auth.js';
import { offerNewerBuild } from './fresh.js';

// A pass whose last day is within this many days is about to lapse: as
// long as the review_by warning, time to fit in a practice.
const SOON_DAYS = 30;

// The browser's local day, YYYY-MM-DD, n days from today.
function dayFrom(n) {
  const d = new Date();
  d.setDate(d.getDate() + n);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const lapsing = (q, soon) => q.expires && q.expires <= soon;

// An item's A and B posts: the contract's short counts only who passed
// every scenario of the current file; covered (ours) also counts the
// passes held over scenarios added since, or over new rules not in force
// yet (docs/http-api.md "Practice"). The page's one figure is covered's,
// called 能办理 (qualified or held); short shows only beside it, as how many
// did every scenario, where the two differ: the grid said 已通过人数 2 under
// a caption of 做对全部练习题 while one of the two had a new scenario to do.
const held = (p) => p.held || [];
const uncovered = (p) => (p.covered === undefined ? p.short : !p.covered);

function cell(p, user, soon) {
  const q = p.qualified.find((x) => x.user === user);
  if (q) return el('td', { class: 'ready-yes' }, el('span', { class: 'badge badge-ok' }, `已通过 ${q.passed}`),
    q.expires ? el('span', { class: 'hint' }, ` 有效至 ${q.expires}`) : null,
    lapsing(q, soon) ? [' ', el('span', { class: 'badge badge-warn' }, '即将到期')] : null);
  const k = held(p).find((x) => x.user === user);
  if (k) return el('td', { class: 'ready-yes' }, el('span', { class: 'badge badge-ok' }, `已通过 ${k.passed}`),
    el('span', { class: 'hint' }, ` 有效至 ${k.expires}`), ' ',
    el('span', { class: 'badge badge-warn' }, p.upcoming ? `待练 ${p.upcoming} 起施行的新版` : '有新增练习题待做'));
  const b = p.passed_before.find((x) => x.user === user);
  // some of the current scenarios right: said beside an older pass too,
  // since the new ones may be half done
  const g = part(p, user);
  const doing = g ? el('span', { class: 'hint practising' }, `练习中：做对 ${g.passed_scenarios} / ${p.scenarios} 题`) : null;
  if (b) return el('td', {}, el('span', { class: 'badge badge-warn' }, `更新前通过 ${b.passed}`), doing ? [' ', doing] : null);
  const x = (p.lapsed || []).find((y) => y.user === user);
  if (x) return el('td', {}, el('span', { class: 'badge badge-warn' }, `已过期 ${x.expires}`),
    el('span', { class: 'hint' }, `（${x.passed} 通过）`), doing ? [' ', doing] : null);
  if (doing) return el('td', {}, doing);
  return el('td', { class: 'hint' }, '—');
}

// Who has some of the item's current scenarios right, not all (ours,
// practising): the grid showed them "—" like someone who never began.
const part = (p, user) => (p.practising || []).find((x) => x.user === user);

// Each staffer's posts by their names in _posts.md (综合窗口（A岗）, 上门服务（B岗）…),
// from the colleague list; an empty map when it cannot be read.
async function postsOf() {
  try {
    const body = (await api('/api/v1/staff/colleagues')).body;
    return new Map(body.colleagues.map((c) => [c.user, c.posts.map((p) => p.name)]));
  } catch {
    return new Map();
  }
}

// An item the B post may do at the resident's home (visit: yes): who of
// those who can handle it, with their posts, so the manager sees whether
// someone who goes to homes can (the grid said who could serve at the
// window, never whether the home visit was covered).
function visitLine(data, p, posts) {
  if (!p.visit) return null;
  const who = [...p.qualified, ...held(p)].map((q) => {
    const ps = posts.get(q.user) || [];
    return nameOf(data, q.user) + (ps.length ? `（${ps.join('、')}）` : '（没有分配岗位）');
  });
  return el('span', { class: 'visit-line hint' }, who.length
    ? `可上门办理：上门的人也要能办理这个事项；能办理的是 ${who.join('、')}`
    : '可上门办理：还没有人能办理，也就没有人能上门办理');
}

function table(data, soon, posts) {
  // every active staffer, and anyone else (an admin) who passed something
  const users = [...data.staff];
  for (const p of data.procedures)
    for (const x of [...p.qualified, ...held(p), ...p.passed_before, ...(p.lapsed || [])]) if (!users.includes(x.user)) users.push(x.user);
  // in a box of its own that scrolls sideways: a hall of 30 staff made the
  // whole page scroll, the items' names going out of view
  return el('div', { class: 'readiness-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'readiness-cap' }, el('table', { id: 'readiness' },
    el('caption', { id: 'readiness-cap' }, `每个事项能办理的工作人员（最近 ${data.days} 天内做对全部练习题，` +
      '或在新增练习题、新版施行之前已通过而尚未到期）'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '事项'), el('th', { scope: 'col' }, '能办理人数'),
      users.map((u) => el('th', { scope: 'col', title: u }, data.names?.[u] || u,
        posts.get(u)?.length ? el('span', { class: 'hint posts' }, ` ${posts.get(u).join('、')}`) : null)))),
    el('tbody', {}, data.procedures.map((p) => el('tr', { class: uncovered(p) ? 'short' : undefined, 'data-id': p.id },
      el('th', { scope: 'row' }, p.title, ' ', uncovered(p) ? el('span', { class: 'badge badge-error' }, '不足两人（没有 A、B 岗）') : null,
        // covered by held passes: not short today, but the new scenarios
        // (or the new version) are to be practised before those stop counting
        // and how many did every scenario (the contract's count), so the
        // two figures are told apart
        p.short && !uncovered(p) ? el('span', { class: 'badge badge-warn' }, p.upcoming
          ? `新版 ${p.upcoming} 起施行：按现行版本的通过在此前仍然有效，最早 ${heldUntil(p)} 到期；按新版通过的 ${p.qualified.length} 人`
          : `新增了练习题：原有的通过仍然有效，最早 ${heldUntil(p)} 到期；做对全部 ${p.scenarios} 题的 ${p.qualified.length} 人`) : null,
        p.playable === false ? el('span', { class: 'badge badge-warn' }, '练习题有错误，暂时不能练习：请在管理页修正练习文件') : null,
        visitLine(data, p, posts)),
      el('td', { class: 'num' }, String(p.qualified.length + held(p).length)),
      users.map((u) => cell(p, u, soon)))))));
}

// The first day a held pass (over added scenarios, or new rules waiting
// for their date) stops counting.
const heldUntil = (p) => held(p).map((k) => k.expires).sort()[0];

// Who is what to the hall: the name it knows them by.
const nameOf = (data, u) => data.names?.[u] || u;

// The items to arrange practice for, and whom: those short now, and those
// that will be short once a pass within SOON_DAYS lapses (the grid showed
// the dates, but not that an item was about to lose its B post). Named
// first are who passed before the update (only the changed part to learn)
// and whose pass is lapsing; then the others not qualified. null when
// nothing needs arranging.
function toTrain(data, soon) {
  const rows = [];
  for (const p of data.procedures) {
    // a pass held over added scenarios counts as any other until it lapses
    const passes = [...p.qualified, ...held(p)];
    const lasting = passes.filter((q) => !lapsing(q, soon));
    if (!uncovered(p) && lasting.length >= 2) continue;
    const need = 2 - lasting.length;
    const known = new Set(passes.map((q) => q.user));
    const heldNames = new Set(held(p).map((k) => k.user));
    const first = [
      ...held(p).map((k) => `${nameOf(data, k.user)}（${p.upcoming ? '按新版练习' : '有新增练习题'}，请在 ${k.expires} 前做完）`),
      ...p.passed_before.filter((b) => !heldNames.has(b.user)).map((b) => `${nameOf(data, b.user)}（更新前通过，只需重新练习）`),
      ...p.qualified.filter((q) => lapsing(q, soon)).map((q) => `${nameOf(data, q.user)}（${q.expires} 到期，请在到期前重新练习）`),
      // lapsed: a refresher, before anyone who never passed
      ...(p.lapsed || []).map((x) => `${nameOf(data, x.user)}（${x.expires} 已过期，重新练习即可）`)];
    for (const b of [...p.passed_before, ...(p.lapsed || [])]) known.add(b.user);
    // part of the way: the nearest to done first, before those who never began
    first.push(...[...(p.practising || [])].filter((g) => !known.has(g.user))
      .sort((a, b) => b.passed_scenarios - a.passed_scenarios)
      .map((g) => `${nameOf(data, g.user)}（练习中，已做对 ${g.passed_scenarios} / ${p.scenarios} 题）`));
    for (const g of p.practising || []) known.add(g.user);
    const others = data.staff.filter((u) => !known.has(u)).map((u) => nameOf(data, u));
    const said = uncovered(p) ? `能办理 ${passes.length} 人，还差 ${2 - passes.length} 人`
      : `有人的通过 ${SOON_DAYS} 天内到期，到期后只剩 ${lasting.length} 人能办理，还差 ${need} 人`;
    const who = p.playable === false ? '请先在管理页修正练习文件，再安排练习。'
      : [first.length ? `先安排：${first.join('、')}` : '',
        others.length ? `${first.length ? '也可以安排' : '可以安排'}：${others.slice(0, 10).join('、')}` +
          (others.length > 10 ? ` 等 ${others.length} 人` : '') : ''].filter(Boolean).join('；') ||
        '没有别的在岗工作人员可以安排。';
    rows.push(el('li', { 'data-id': p.id }, el('strong', {}, p.title), `：${said}。`, who));
  }
  return rows.length ? el('section', { id: 'to-train', 'aria-labelledby': 'to-train-h' },
    el('h2', { id: 'to-train-h' }, `需要安排练习的事项（${rows.length} 个）`),
    el('ul', {}, rows)) : null;
}

// The grid for paper: an item a row, who can handle it and who is to
// practise named in its cells, so that it fits an A4 sheet whatever the
// number of staff. The grid printed as it scrolls on the screen: on a
// sheet only its first staffer's column was left (a walk of 12-07, the
// head taking it to a meeting).
function printTable(data, soon) {
  const who = (xs, f) => xs.map((x) => `${nameOf(data, x.user)}${f(x)}`).join('、') || '—';
  return el('table', { id: 'readiness-print', class: 'print-only' },
    el('caption', {}, `每个事项能办理的工作人员（最近 ${data.days} 天内做对全部练习题，或在新增练习题、新版施行之前已通过而尚未到期）`),
    el('thead', {}, el('tr', {}, ['事项', '能办理人数', '能办理的人（有效期至）', '要练习的人'].map((t) => el('th', { scope: 'col' }, t)))),
    el('tbody', {}, data.procedures.map((p) => el('tr', { 'data-id': p.id },
      el('th', { scope: 'row' }, p.title, uncovered(p) ? '（不足两人）' : '',
        p.playable === false ? '（练习题有错误，暂时不能练习）' : ''),
      el('td', { class: 'num' }, String(p.qualified.length + held(p).length)),
      el('td', {}, who([...p.qualified, ...held(p)], (q) => {
        const k = held(p).includes(q);
        return `（${q.expires}${lapsing(q, soon) ? '，即将到期' : ''}${k ? (p.upcoming ? `，待练 ${p.upcoming} 起施行的新版` : '，有新增练习题待做') : ''}）`;
      })),
      el('td', {}, who([
        ...p.passed_before.map((b) => ({ ...b, why: `更新前通过 ${b.passed}` })),
        ...(p.lapsed || []).map((x) => ({ ...x, why: `${x.expires} 已过期` })),
        ...(p.practising || []).filter((g) => !p.passed_before.some((b) => b.user === g.user)
          && !(p.lapsed || []).some((x) => x.user === g.user))
          .map((g) => ({ ...g, why: `练习中 ${g.passed_scenarios} / ${p.scenarios}` }))], (x) => `（${x.why}）`))))));
}

async function start() {
  const main = document.getElementById('main');
  await ensureLogin(main, 'admin');
  document.getElementById('session').replaceChildren(sessionBadge());
  let data;
  const posts = postsOf();
  try {
    data = (await api('/api/v1/admin/readiness')).body;
  } catch (x) {
    main.replaceChildren(el('h1', {}, '谁能办什么'), el('p', { class: 'msg-error', role: 'alert' }, errorText(x)));
    return;
  }
  const short = data.procedures.filter(uncovered).length;
  const soon = dayFrom(SOON_DAYS);
  // items with no practice file: nobody can show they handle them
  const without = data.without_practice || [];
  const withoutList = without.length ? el('section', { id: 'without-practice', 'aria-labelledby': 'without-h' },
    el('h2', { id: 'without-h' }, `还没有练习题的事项（${without.length} 个）`),
    el('p', { class: 'hint' }, '这些事项没有练习题，看不出谁能办理。请在“事项文件”里为它们新建练习题。'),
    el('ul', {}, without.map((p) => el('li', {},
      el('a', { href: `/admin#/edit?special=${encodeURIComponent(p.id + '.practice')}&new=1&file=${
        encodeURIComponent(p.file.replace(/\.md$/, '.practice.md'))}` }, p.title), ' ',
      el('span', { class: 'hint' }, '新建练习题'))))) : null;
  main.replaceChildren(el('h1', {}, '谁能办什么（练习通过情况）'),
    // the day it was read, for a sheet taken to a meeting
    el('p', { class: 'readiness-asof' }, `截至 ${dayFrom(0)}`, ' ',
      data.procedures.length ? el('button', { type: 'button', class: 'btn btn-small no-print', id: 'print',
        onClick: () => window.print() }, '打印') : null),
    el('p', { class: 'hint no-print' }, '工作人员在“练习”页面把一个事项的练习题全部做对，就能办理这个事项。' +
      '每个事项至少要有两人能办理，才有真正的 A 岗和 B 岗。通过的有效期是 365 天，到期前要重新练习，过了有效期记为“已过期”；办事指南更新后，之前的通过记为“更新前通过”，也要重新练习；' +
      '练习题只是新增了题目（或新版还没到施行日期）时，原来的通过到期前仍然算能办理，格子里写着要做的新题，请安排在到期前做完。' +
      '“能办理人数”和“不足两人”都把这些人算在内；做对了全部练习题的人数另写在事项名称旁边。'),
    ...(data.procedures.length
      ? [el('p', { class: short ? 'msg-warn' : 'msg-ok', id: 'short-count' },
        short ? `有 ${short} 个事项能办理的人不足两人。` : '每个事项都至少有两人能办理。'),
      toTrain(data, soon), table(data, soon, await posts), printTable(data, soon)].filter(Boolean)
      : [el('p', { class: 'hint' }, '还没有写了练习题的事项。')]), ...(withoutList ? [withoutList] : []));
}

if (typeof document !== 'undefined' && document.getElementById('main')) {
  start();
  offerNewerBuild(import.meta.url);
}
