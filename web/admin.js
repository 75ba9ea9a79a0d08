// The admin console (/admin): every procedure file with its state, and an
// editor with a live preview and live errors (the preview endpoint checks
// the text exactly as a load would, without saving). Saving sends If-Match
// with the version the file was opened at; the server refuses with 409 when
// someone changed the file since, and with 422 (nothing written) when the
// text has errors.
//
// Routes (location.hash):
//   #/                                   the list
//   #/edit?id=ID&file=CAT/NAME.md[&line=N]  the editor (at line N)
//   #/new                                a new file: category and id
//   #/edit?new=1&id=ID&category=CAT      the editor for a file not saved yet
//   #/edit?special=NAME                  the editor for _triage.md (_triage),
//                                        _directory.md (_directory), _posts.md,
//                                        _calendar.md, a
//                                        category's README.md (its id) or a
//                                        practice file (ID.practice, &file=)
import { el, contentHtml, stepLabel, busy } from './core.js';
import { api } from './api.js';
import { ensureLogin, errorText, sessionBadge } from './auth.js';
import { reportsBlock } from './spreport.js';
import { offerNewerBuild } from './fresh.js';

const main = document.getElementById('main');
const PREVIEW_DELAY_MS = 400;

const STATE = {
  ok: ['正常', 'badge-ok'],
  error_old_live: ['有错误 · 仍用上一版', 'badge-error'],
  error_not_live: ['有错误 · 未上线', 'badge-error'],
  // a practice file whose last good scenarios were for the procedure before
  // its change: practice of the item stops until the file is fixed
  error_paused: ['有错误 · 练习已暂停', 'badge-error'],
  pending: ['等待载入', 'badge-warn'],
  scheduled: ['已排期 · 到期自动上线', 'badge-warn'],
  retired: ['已停办（文件已删除）', 'badge-warn'],
};

let editor = null;      // the open editor's state, null on other screens
let shownHash = '';     // the route on show, to go back to when leaving is cancelled

const enc = encodeURIComponent;

function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function editHref(p, line) {
  // a practice file is edited by its special name (ID.practice)
  const who = p.special ? `special=${enc(p.special)}` : `id=${enc(p.id)}`;
  return `#/edit?${who}&file=${enc(p.file)}${line ? `&line=${line}` : ''}`;
}

const isPractice = (p) => p.kind === 'practice';

// The editor of a file that is not a procedure, at a line, for a problem
// of the list (_directory.md:1: …): those files open in the console too
// (其他文件), so their lines are links as a procedure's are. null for what
// is edited on the server: a category folder itself, a misplaced file.
function specialHref(file, line) {
  const m = /^(_triage|_directory|_posts|_calendar)\.md$/.exec(file) || /^([a-z0-9][a-z0-9-]*)\/README\.md$/.exec(file);
  return m ? `#/edit?special=${enc(m[1])}${line ? `&line=${line}` : ''}` : null;
}

function show(...nodes) {
  main.replaceChildren(...nodes);
}

// The view asked for last: each route bumps it, and a view that awaited a
// fetch draws only while it is still that view. A list whose fetch came
// back after 编辑 was clicked drew over the editor (a flaky e2e run).
let viewSeq = 0;
const stale = (mine) => mine !== viewSeq;

function failure(err, retry) {
  return el('div', {},
    el('p', { class: 'msg-error', role: 'alert' }, errorText(err, '没能读取，请稍后再试')),
    el('button', { type: 'button', class: 'btn', onClick: retry }, '重试'));
}

// ---- the list ---------------------------------------------------------------

function problemItem(d, href) {
  const cls = d.severity === 'warning' || d.warning ? 'warn' : 'error';
  // the whole library's (a load that could not be stored): no place to show
  if (d.file === '.' && !d.line) return el('li', { class: cls }, d.message);
  const where = `${d.file}:${d.line}`;
  return el('li', { class: cls }, href ? el('a', { href }, where) : el('code', {}, where), `：${d.message}`);
}

// the open step reports (SP有误) by procedure id, from the list's load
let openReports = new Map();

// the procedures that have a practice file beside them, by id (the list's load)
let practised = new Set();

// the list's entries as last loaded (停办 counts what is left of a category)
let listed = [];
// the library is a git checkout (the street office's, pulled): 停办 there
// lasts only until the office changes the file (docs/deployment.md)
let libraryPulled = false;

function procRow(p) {
  const [stateText, stateCls] = STATE[p.state] || [p.state, 'badge-warn'];
  const issues = el('ul', { class: 'issues' },
    p.errors.map((d) => problemItem(d, p.state === 'retired' ? null : editHref(p, d.line))),
    p.warnings.map((d) => problemItem({ ...d, warning: true },
      p.state === 'retired' ? null : editHref(p, d.line))));
  const actions = el('td', { class: 'actions' });
  if (p.state !== 'retired') {
    actions.append(el('a', { class: 'btn btn-small', href: editHref(p),
      'aria-label': `编辑 ${p.file}` }, '编辑'));
  }
  // 停办 and 恢复 (docs/procedure-format.md): the file deleted from here,
  // after a confirmation that says what happens; the item put back as it was
  if (!isPractice(p) && p.state !== 'retired' && p.file_hash) {
    actions.append(el('button', { type: 'button', class: 'btn btn-small', 'data-retire': p.id,
      'aria-label': `停办 ${p.title || p.scheduled?.title || p.id}`,
      onClick: (ev) => retireItem(p, ev.currentTarget) }, '停办'));
  }
  if (p.state === 'retired') {
    actions.append(el('button', { type: 'button', class: 'btn btn-small', 'data-restore': p.id,
      'aria-label': `恢复 ${p.title || p.id}`, onClick: (ev) => restoreItem(p, ev.currentTarget) }, '恢复'));
  }
  if (p.live && !isPractice(p)) {
    actions.append(el('a', { class: 'btn btn-small', href: `/#/p/${enc(p.id)}`, target: '_blank',
      rel: 'noopener', 'aria-label': `在自助机页面查看 ${p.title || p.id}` }, '查看'));
  }
  // a live procedure without scenarios: the practice file starts here, beside
  // it (the server names it by the procedure's file)
  if (p.live && p.kind === 'procedure' && !practised.has(p.id)) {
    actions.append(el('a', { class: 'btn btn-small', 'data-new-practice': p.id,
      href: `#/edit?special=${enc(p.id + '.practice')}&new=1&file=${enc(p.file.replace(/\.md$/, '.practice.md'))}`,
      'aria-label': `为 ${p.title || p.id} 新建练习题` }, '新建练习题'));
  }
  const version = p.live && isPractice(p)
    ? el('span', {}, `${p.live.scenarios} 个练习场景`, el('br'), el('code', { class: 'hash' }, p.live.hash.slice(0, 10)))
    : p.live
    ? el('span', {}, p.live.version || '（未写版本）', el('br'), el('code', { class: 'hash' }, p.live.hash.slice(0, 10)))
    : p.retired ? el('span', { class: 'muted' }, `停办前：${p.retired.version || '（未写版本）'}`)
      : el('span', { class: 'muted' }, '没有在用的版本');
  // the version that waits for its `effective` date (the live one stays until then)
  const scheduled = p.scheduled
    ? el('div', { class: 'scheduled' }, el('span', { class: 'badge badge-warn' }, `已排期：${p.scheduled.effective} 生效`),
      el('br'), p.scheduled.version || '（未写版本）', ' ', el('code', { class: 'hash' }, p.scheduled.hash.slice(0, 10)))
    : null;
  // The date is the live version's: residents read that text until the
  // waiting one's day. From then on the waiting text's own date counts, so
  // it is shown too; one copied unchanged from the old text would be past
  // on its first day (an admin's question: which date is this?)
  const nextReview = p.scheduled && !isPractice(p)
    ? el('div', { class: 'review-next' }, `${p.scheduled.effective} 起（新版本）：${p.scheduled.review_by || '未写复核日期'}`,
      p.scheduled.review_by && p.scheduled.review_by < p.scheduled.effective
        ? [el('br'), el('span', { class: 'badge badge-error' }, '新版本生效时已过复核日期')] : null)
    : null;
  const review = el('td', {}, p.review_by || '—',
    p.review_overdue ? [el('br'), el('span', { class: 'badge badge-error' }, '复核已过期')] : null, nextReview);
  const changed = el('td', {},
    p.live ? el('div', { class: 'when' }, `上线 ${when(p.live.loaded_at)}`) : null,
    p.retired ? el('div', { class: 'when' }, `停办 ${when(p.retired.retired_at)}`) : null,
    p.modified_at ? el('div', { class: 'muted when' }, `文件 ${when(p.modified_at)}`) : null);
  return el('tr', { 'data-id': p.id, 'data-state': p.state },
    el('th', { scope: 'row' }, isPractice(p) ? `练习题：${p.procedure || '（旁边没有事项文件）'}`
      : p.title || p.scheduled?.title || el('span', { class: 'muted' }, '（未能载入）'),
      el('br'), el('code', {}, p.id)),
    el('td', {}, el('code', {}, p.file)),
    el('td', {}, el('span', { class: `badge ${stateCls}` }, stateText)),
    el('td', {}, version, scheduled),
    review,
    changed,
    el('td', {}, issues.childElementCount ? issues : p.reports_open ? null : el('span', { class: 'muted' }, '无'),
      p.reports_open ? reportsBlock(p, openReports.get(p.id) || [], () => { p.reports_open--; }) : null),
    actions);
}

// The server's date of the list's last load (its `today`), and the review
// dates it warns of ahead of time (LIBRARY_REMIND_DAYS): a December admin
// answering review reminders found them among every other 提醒.
let listToday = '';
const REMIND_DAYS = 30;

function plusDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const reviewSoon = (p) => !!(p.review_by && !p.review_overdue && listToday
  && p.review_by >= listToday && p.review_by <= plusDays(listToday, REMIND_DAYS));

const FILTERS = [
  ['all', '全部', () => true],
  ['problems', '有错误', (p) => p.errors.length > 0],
  ['warnings', '有提醒', (p) => p.warnings.length > 0],
  ['overdue', '复核已过期', (p) => p.review_overdue],
  ['review-soon', '30 天内要复核', reviewSoon],
  ['reports', '有待处理的步骤反馈', (p) => p.reports_open > 0],
  ['scheduled', '已排期', (p) => !!p.scheduled],
  ['retired', '已停办', (p) => p.state === 'retired'],
];

// What the last 停办 or 恢复 did (or why not), said above the list drawn
// again after it; cleared when the list is left
let listNote = null;
const note = (cls, ...kids) => { listNote = el('div', { class: cls, id: 'list-note', role: 'alert' }, ...kids); };

// 停办: what it would do first (GET …/retire), in the confirmation; a file
// another file links is not deleted (the triage would stop loading and the
// kiosk keep its old flow), those lines are listed instead
async function retireItem(p, button) {
  const name = p.title || p.scheduled?.title || p.id;
  await busy(button, async () => {
    let r;
    try {
      r = (await api(`/api/v1/admin/procedures/${enc(p.id)}/retire?file=${enc(p.file)}`)).body;
    } catch (err) {
      note('msg-error', errorText(err, '没能读取这个事项的情况，没有停办'));
      return listView();
    }
    const breaks = (list) => [el('p', {}, `不能停办「${name}」：下面的文件还指向它，删掉它这些文件就会出错、停在旧内容上。请先改好它们（比如把分诊问答里指向它的答案删掉或改指别处），再停办。`),
      el('ul', { class: 'issues' }, list.map((d) => problemItem(d, specialHref(d.file, d.line))))];
    if (r.breaks.length) {
      note('msg-error', ...breaks(r.breaks));
      return listView();
    }
    const c = r.cases;
    const unfinished = c.open + c.queued + c.in_hand;
    const text = [`停办「${name}」（${r.file}）：`,
      '· 自助机和网站上马上找不到这个事项，居民不能再开始新的办理；',
      unfinished ? `· 还没办完的 ${unfinished} 件（居民正在填写 ${c.open} 件，排队或等上门 ${c.queued} 件，受理后在办 ${c.in_hand} 件）按它们开始时的版本照常办完；`
        : '· 现在没有没办完的办件；',
      '· 办件记录、统计和工作人员的练习记录都保留；',
      r.practice_file ? `· 练习题文件 ${r.practice_file} 移到旁边的隐藏文件里，练习模式不再出这个事项的题；恢复时一起放回；` : null,
      p.scheduled ? `· 等到 ${p.scheduled.effective} 生效的新版本也一起撤下；` : null,
      // git writes a file deleted here back at the next pull that changes
      // it: no refusal, no word, the item live again
      libraryPulled ? '· 事项库由街道统一发布：这里停办只删掉本馆的文件。街道以后改动这个文件时，自动同步会把它放回来，自助机上又能找到它；本馆长期不办的事项，请街道在事项库里删掉；' : null,
      // the kiosk then shows the category as 0 项 (这个类别里暂时没有事项)
      listed.some((x) => x.category === p.category && x.id !== p.id && !isPractice(x) && x.live)
        ? null : `· 分类 ${p.category} 里就没有别的在用事项了：自助机首页上它显示「0 项」；不再需要这个分类的话，请服务器管理员删掉分类文件夹；`,
      p.live ? `· 服务器上的文件 ${r.file} 会被删除。停办后，列表里「已停办」那一行的「恢复」可以把停办前在用的版本原样放回。`
        // nothing of it was ever live: nothing is kept that 恢复 could put back
        : `· 服务器上的文件 ${r.file} 会被删除。它现在没有在用的版本，删除后管理后台里取不回来；以后还要用的，先打开它全选复制存到别处。`,
      '', '确定停办吗？'].filter((x) => x !== null).join('\n');
    if (!confirm(text)) return;
    try {
      await api(`/api/v1/admin/procedures/${enc(p.id)}/retire?file=${enc(p.file)}`,
        { method: 'POST', body: {}, headers: { 'If-Match': `"${r.file_hash}"` } });
      note('msg-ok', `已停办「${name}」：自助机上已经找不到它；没办完的办件按原版本办完。要放回，点「已停办」那一行的「恢复」。`);
    } catch (err) {
      const b = err.body || {};
      if (err.status === 422 && b.breaks) note('msg-error', ...breaks(b.breaks));
      else note('msg-error', errorText(err, '停办没有成功'));
    }
    return listView();
  });
}

// 恢复: the text the item had when it was retired, back in its file
async function restoreItem(p, button) {
  const name = p.title || p.id;
  if (!confirm(`把「${name}」停办前在用的版本放回 ${p.file}，自助机上马上又能找到它。确定恢复吗？`)) return;
  await busy(button, async () => {
    try {
      await api(`/api/v1/admin/procedures/${enc(p.id)}/restore`, { method: 'POST', body: {} });
      note('msg-ok', `已恢复「${name}」：文件 ${p.file} 已放回，自助机上又能找到它了。`);
    } catch (err) {
      const b = err.body || {};
      note('msg-error', errorText(err, '恢复没有成功'),
        b.errors ? el('ul', { class: 'issues' }, b.errors.map((d) => el('li', { class: 'error' }, `第 ${d.line} 行：${d.message}`))) : null);
    }
    return listView();
  });
}

async function listView() {
  const mine = viewSeq;
  show(el('p', { class: 'muted' }, '正在加载……'));
  let doc, reports, lib, backups;
  try {
    [doc, reports, lib, backups] = await Promise.all([api('/api/v1/admin/procedures'),
      api('/api/v1/admin/reports?open=1'), api('/api/v1/admin/library'),
      // a warning only: the list is shown without it
      api('/api/v1/admin/backups').then((r) => r.body, () => null)]);
    doc = doc.body;
  } catch (err) {
    if (!stale(mine)) show(failure(err, listView));
    return;
  }
  if (stale(mine)) return;
  openReports = new Map();
  for (const r of reports.body.reports) {
    if (!openReports.has(r.procedure)) openReports.set(r.procedure, []);
    openReports.get(r.procedure).push(r);
  }
  const procs = doc.procedures;
  practised = new Set(procs.filter((p) => isPractice(p) && p.procedure).map((p) => p.procedure));
  listed = procs;
  libraryPulled = lib.body.git === 'commit';
  const nErr = procs.filter((p) => p.errors.length).length;
  listToday = doc.today || '';
  const nOverdue = procs.filter((p) => p.review_overdue).length;
  const nSoon = procs.filter(reviewSoon).length;
  const nReports = procs.reduce((n, p) => n + (p.reports_open || 0), 0);
  const body = el('tbody');
  const select = el('select', { id: 'filter' },
    FILTERS.map(([v, label]) => el('option', { value: v }, label)));
  const count = el('p', { class: 'muted', id: 'shown-count', 'aria-live': 'polite' });
  const fill = () => {
    const f = FILTERS.find(([v]) => v === select.value)[2];
    const rows = procs.filter(f);
    body.replaceChildren(...rows.map(procRow));
    count.textContent = `显示 ${rows.length} / ${procs.length} 个`;
  };
  select.addEventListener('change', fill);
  // the triage, the directory, the posts, the calendar and the category
  // files have their errors below the table: said here too, or a retired
  // item's broken triage link sat under 「所有事项文件都没有错误」 (a walk)
  const otherErr = [...new Set(doc.problems.filter((d) => d.severity === 'error')
    .map((d) => (d.file === '.' ? '事项文件夹' : d.file)))];
  const bad = nErr || otherErr.length;
  const summary = el('p', { class: bad ? 'msg-error' : 'msg-ok', id: 'summary' },
    nErr ? `${nErr} 个文件有错误（有错误的文件不会上线；已上线的继续用上一个正确的版本）` : '',
    otherErr.length ? `${nErr ? '；' : ''}${otherErr.join('、')} 有错误（见下面「分类说明和分诊文件的问题」）` : '',
    bad ? '' : '所有事项文件都没有错误', nOverdue ? `；${nOverdue} 个已过复核日期` : '',
    nSoon ? `；${nSoon} 个 ${REMIND_DAYS} 天内要复核` : '',
    nReports ? `；工作人员报告的步骤问题 ${nReports} 条待处理` : '');
  const problems = doc.problems.length
    ? el('ul', { class: 'issues', id: 'other-problems' },
      doc.problems.map((d) => problemItem(d, specialHref(d.file, d.line))))
    : el('p', { class: 'muted' }, '没有');
  const shownNote = listNote;
  listNote = null;
  show(
    el('h1', {}, '事项文件'),
    shownNote,
    summary,
    backupLine(backups),
    libraryLine(lib.body),
    el('div', { class: 'toolbar' },
      el('label', { for: 'filter' }, '显示'), select,
      el('a', { class: 'btn', href: '#/new' }, '新建事项'),
      el('button', { type: 'button', class: 'btn', onClick: listView }, '刷新')),
    count,
    el('table', { class: 'proc-table' },
      el('caption', { class: 'sr-only' }, '事项文件及其状态'),
      el('thead', {}, el('tr', {},
        ['事项', '文件', '状态', '在用版本', '复核日期', '最后变更', '错误、提醒和步骤反馈', '操作']
          .map((t) => el('th', { scope: 'col' }, t)))),
      body),
    el('h2', {}, '分类说明和分诊文件的问题'),
    problems,
    el('h2', {}, '其他文件'),
    otherFiles(doc.procedures));
  fill();
}

// The nightly backup (`spkiosk backup`, its timer) as it last recorded
// itself: said here because a small hall may have no monitoring to alert
// anyone (docs/deployment.md, "Backup and restore"). Nothing when all is well.
function backupLine(b) {
  if (!b || !b.attention) return null;
  const ask = '请信息员检查每天的备份（spkiosk-backup.timer，见部署文档“Backup and restore”）。';
  const text = b.attention === 'failed'
    ? `最近一次数据备份没有成功（${when(b.last_failure.at)}：${b.last_failure.reason}）。${ask}`
    : b.attention === 'never' ? `还没有数据备份的记录。${ask}`
      : `最近一次成功的数据备份在 ${when(b.last_success.at)}，已经超过一天半。${ask}`;
  return el('p', { class: 'msg-warn', id: 'backup-warn', role: 'status' }, text);
}

// Which commit of the street's library the live load read (docs/deployment.md,
// "Many halls"): a hall that pulls should edit in the shared repository, so
// the line says where a local save ends up.
function libraryLine(lib) {
  const at = `载入于 ${when(lib.loaded_at)}`;
  if (lib.git === 'commit') {
    const line = el('p', { class: 'muted', id: 'library-commit' },
      '当前版本 commit ', el('code', { title: lib.commit }, lib.commit.slice(0, 7)), `，${at}。`,
      '事项库由街道统一发布：请在街道的事项库里修改；在这里保存的修改只留在本馆，',
      '街道再改同一文件时本馆的同步会暂停，直到撤销本馆的修改。');
    // a refused pull still fetched: the office's commit differs from the live one
    if (!lib.upstream || lib.upstream === lib.commit) return line;
    return el('div', {}, line, el('p', { class: 'msg-warn', id: 'library-behind', role: 'status' },
      '本馆没有跟上街道：街道的事项库已是 commit ',
      el('code', { title: lib.upstream }, lib.upstream.slice(0, 7)),
      '（本馆上次拉取时看到的），本馆用的仍是上面这个版本。多半是本馆改过的文件街道也改了，',
      '或本馆有自己的提交，拉取被拒绝：请 IT 人员看 journalctl -u spkiosk-pull，',
      '把本馆的修改交给街道后撤销（git restore 文件），下次拉取即跟上。'));
  }
  return el('p', { class: 'muted', id: 'library-commit' },
    lib.git === 'unreadable' ? `事项文件夹是 git 仓库，但读不出当前版本，${at}。`
      : `事项文件夹不是 git 仓库（本馆自己维护），${at}。`);
}

// The files that are not procedures: the triage, the directory, the posts,
// the working-day calendar and each
// category's README.md (the folders the list knows), edited like a
// procedure file but without a preview.
function otherFiles(procs) {
  const cats = [...new Set(procs.map((p) => p.file.split('/')[0]))].sort();
  const link = (name, label, file) => el('li', {},
    el('a', { href: `#/edit?special=${enc(name)}`, 'data-special': name }, label), ' ',
    el('code', {}, file));
  return el('ul', { class: 'other-files', id: 'other-files' },
    link('_triage', '分诊问答', '_triage.md'),
    link('_directory', '其他办事地点', '_directory.md'),
    link('_posts', '岗位', '_posts.md'),
    link('_calendar', '工作日日历', '_calendar.md'),
    cats.map((c) => link(c, `分类说明：${c}`, `${c}/README.md`)));
}

// ---- a new file ---------------------------------------------------------------

async function newView() {
  const mine = viewSeq;
  show(el('p', { class: 'muted' }, '正在加载……'));
  let cats;
  try {
    cats = (await api('/api/v1/categories')).body;
  } catch (err) {
    if (!stale(mine)) show(failure(err, newView));
    return;
  }
  if (stale(mine)) return;
  const cat = el('select', { id: 'new-category', required: true },
    cats.categories.map((c) => el('option', { value: c.id }, `${c.title}（${c.id}）`)));
  const id = el('input', { id: 'new-id', required: true, pattern: '[a-z0-9][a-z0-9\\-]{0,63}',
    autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'new-id-hint' });
  // said on the page, in words, rather than by the browser's own bubble
  const idError = el('p', { class: 'msg-error', id: 'new-id-error', role: 'alert', hidden: true });
  const form = el('form', { class: 'card narrow', novalidate: true },
    el('label', { for: 'new-category' }, '分类'), cat,
    el('label', { for: 'new-id' }, '编号（也是文件名）'), idError, id,
    el('p', { class: 'hint', id: 'new-id-hint' },
      '只用小写英文字母、数字和 -，如 labour-handbook；保存后文件是 分类/编号.md'),
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, '开始编辑'),
      el('a', { class: 'btn', href: '#/' }, '返回列表')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = id.value.trim();
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(v)) {
      idError.textContent = v ? `编号「${v}」不能用：只能用小写英文字母、数字和 -，以字母或数字开头，如 labour-handbook`
        : '请填写编号，如 labour-handbook';
      idError.hidden = false;
      id.setAttribute('aria-invalid', 'true');
      id.setAttribute('aria-describedby', 'new-id-error new-id-hint');
      id.focus();
      return;
    }
    location.hash = `#/edit?new=1&id=${enc(v)}&category=${enc(cat.value)}`;
  });
  show(el('h1', {}, '新建事项'), form);
  id.focus();
}

// The new item's placeholders: a save that still has one would publish
// "事项名称" to residents, so it is refused on the page (placeholderLeft).
const TEMPLATE_TITLE = '# 事项名称';
const TEMPLATE_SUMMARY = '一句话说明这个事项是办什么的。';

function template() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `---\nversion: ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}\n---\n` +
    `${TEMPLATE_TITLE}\n\n${TEMPLATE_SUMMARY}\n\n## 第一步：准备材料\n- [ ] 居民身份证\n`;
}

// What of the template a new item's text still holds, in words; null when
// the admin has written over both.
function placeholderLeft(text) {
  const left = [];
  if (text.split('\n').some((l) => l.trim() === TEMPLATE_TITLE)) left.push('标题「事项名称」');
  if (text.includes(TEMPLATE_SUMMARY)) left.push('说明「一句话说明这个事项是办什么的。」');
  return left.length ? left.join('和') : null;
}

// ---- the editor -----------------------------------------------------------------

function lineStart(text, line) {
  let off = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off;
}

// The field types as an admin reads them in the preview (the file's words
// are the English ids: cn_id is 身份证号). A type this page does not know is
// shown as written.
const TYPE_ZH = {
  text: '文字', number: '数字', date: '日期', cn_id: '身份证号', cn_mobile: '手机号码',
  phone: '电话号码', email: '电子邮箱', choice: '选择', bank_card: '银行卡号', yesno: '是/否',
};
// 办理须知 as the kiosk's overview lists them (web/info.js), in its order.
const FACTS = [['time_limit', '办理时限'], ['fee', '收费'], ['location', '办理地点'], ['hours', '办理时间'],
  ['phone', '咨询电话'], ['responsible', '责任岗位'], ['audience', '适用对象'], ['basis', '办理依据']];

function previewArticle(proc, staff) {
  const a = el('article', { class: 'preview-doc', lang: 'zh-CN' });
  a.append(el('h3', { class: 'preview-title' }, proc.title));
  if (proc.summary_html) a.append(contentHtml(proc.summary_html));
  const facts = FACTS.filter(([k]) => proc.meta && proc.meta[k]);
  if (facts.length) {
    a.append(el('h4', {}, '办理须知'),
      el('dl', { class: 'preview-facts' }, facts.flatMap(([k, label]) => [el('dt', {}, label), el('dd', {}, proc.meta[k])])));
  }
  // the review chain as staff will walk it: each stage, its post, its days
  if (proc.chain && proc.chain.length) {
    a.append(el('p', { class: 'preview-chain' }, '审核流程（工作人员）：',
      proc.chain.map((c) => `${c.label}（${c.post}，${c.days ? `${c.days} 个工作日` : '当天'}）`).join(' → ')));
  }
  const section = (sec) => {
    a.append(el('h4', {}, sec.title));
    if (sec.html) a.append(contentHtml(sec.html));
  };
  // the eligibility conditions before the steps, the rest after, as on the kiosk
  proc.sections.filter((sec) => sec.kind === 'eligibility').forEach(section);
  proc.steps.forEach((s, i) => {
    a.append(el('h4', {}, `第 ${i + 1} 步：${stepLabel(s.title)}`, s.if ? el('span', { class: 'muted' }, '（部分情况）') : null));
    if (s.html) a.append(contentHtml(s.html));
    if (staff && staff[i]) {
      a.append(el('div', { class: 'staff-guidance' },
        el('p', { class: 'staff-guidance-title' }, '窗口提示（居民看不到）'), contentHtml(staff[i])));
    }
    if (s.checklist.length) {
      a.append(el('ul', { class: 'checklist' }, s.checklist.map((c) =>
        el('li', {}, '☐ ', c.text, c.required ? null : el('span', { class: 'muted' }, '（如有）'),
          c.if ? el('span', { class: 'muted' }, '（部分情况）') : null))));
    }
    if (s.fields.length) {
      a.append(el('ul', { class: 'fields' }, s.fields.map((f) =>
        el('li', {}, `填写：${f.label}`, el('span', { class: 'muted' },
          `（${TYPE_ZH[f.type] || f.type}${f.required ? '，必填' : ''}）`)))));
    }
  });
  proc.sections.filter((sec) => sec.kind !== 'eligibility').forEach(section);
  return a;
}

// A first practice file for proc (its public JSON): the format in a
// paragraph, and a scenario refused on its first condition, which the check
// passes as it stands and a careful trainee answers right (nothing else of
// the case matters once a condition fails). A scenario of papers or fields
// needs the hall's real cases: a made-up "材料不全" with nothing filled in
// marked a trainee wrong for flagging the empty fields too. Without
// conditions, a skeleton the check then explains.
// The starter text of a file that is not a procedure and does not exist
// yet, in the shape docs/procedure-format.md gives it.
function specialTemplate(name) {
  if (name === '_posts') return '# 岗位\n\n- window 综合窗口（A岗）\n';
  if (name === '_calendar') {
    const y = new Date().getFullYear();
    return `# 工作日日历\n\n按国务院办公厅每年的节假日安排通知填写：工作日放假的写「休」，周末上班的写「班」。\n\n## ${y} 年\n\n`;
  }
  if (name === '_directory') {
    return '# 其他办事地点\n\n大厅办不了的事，告诉居民去哪里办。每个办事地点一个二级标题，末尾写 {#编号}。\n\n'
      + '## 派出所（户籍窗口） {#paichusuo}\n- 地址：请写上地址\n- 电话：请写上电话\n- 时间：周一至周五 9:00-17:00\n';
  }
  if (name === '_triage') return '# 不知道办什么？\n\n## 您想办哪方面的事情？ {#start}\n- 请到综合窗口咨询\n';
  return `# ${name}\n\n一句话说明这一类事项。\n`;
}

// What a file that is not a procedure does once saved, where its preview
// would be. The calendar and the posts are on no kiosk page: the editor sent
// the admin to the kiosk to look for a 2027 holiday they would not find.
function specialNote(name) {
  if (name.endsWith('.practice')) {
    return '练习题没有预览，也不给居民看：保存后工作人员在练习模式里使用。文本框上方的“检查结果”会用事项文件逐个验证每个场景。';
  }
  if (name === '_calendar') {
    return '工作日日历没有预览，自助机上也不显示：保存后，新受理的办件按它计算各环节的期限和承诺办结日期。'
      + '已经算好的日期不跟着改，只有补上日历里原来没有的一年时才按那一年的假日顺延一次（见检查结果里的提醒）。';
  }
  if (name === '_posts') {
    return '岗位文件没有预览，自助机上也不显示：保存后，工作人员页面的「我的待办」和办件的审核环节显示这里的岗位名称。'
      + '谁在哪个岗位由技术人员用 spkiosk user posts 分配。';
  }
  return '这个文件没有预览：保存后请在自助机页面查看（分诊问答、办事地点卡片、分类名称）。';
}

// Whether residents see what the file says (the kiosk link of the editor):
// a procedure, the triage, the directory, a category's README.md.
const onKiosk = (special) => !special || !(special.endsWith('.practice') || special === '_calendar' || special === '_posts');

function practiceTemplate(proc) {
  const lines = [`# ${proc.title} · 练习`, '',
    '每个二级标题是一个练习场景：先写居民的情况（工作人员看到的），再在 case 块里写居民对办理条件的回答（conditions，'
    + '按顺序写 是/否）、带来的材料（brought，写材料的编号）、填写的内容（字段编号 = 值），以及正确的处理（expect：'
    + 'accept 受理、return 编号 退回补正、refuse N 第 N 条条件不符不予受理）和说明（explain）。'
    + '下面的示例是按本事项生成的；请照着写窗口常见的真实情况：材料齐全受理、缺材料或填错退回、条件不符不予受理，各写几个。', ''];
  if (proc.conditions.length) {
    const c = proc.conditions[0];
    lines.push('## 示例：不符合办理条件', `居民来办理${proc.title}，但「${c}」这一条不符合。`, '',
      '```case', `conditions = ${proc.conditions.map((x, i) => (i === 0 ? '否' : '是')).join(' ')}`,
      'expect = refuse 1', `explain = 不符合「${c}」，不予受理`, '```', '');
  } else {
    lines.push('## 示例：材料齐全', `居民来办理${proc.title}，材料都带齐了。（请写明带了什么、表上填了什么）`, '',
      '```case', 'brought =', 'expect = accept', 'explain = 材料齐全，当场受理', '```', '');
  }
  return lines.join('\n');
}

// The id a procedure text would have: its front matter's `id:` (the block
// between a first line --- and the next), else the file's stem. Only to ask
// before a rename; the server decides.
function idOf(text, file) {
  const lines = text.split('\n');
  if (lines[0].trim() === '---') {
    for (let i = 1; i < lines.length && lines[i].trim() !== '---'; i++) {
      const m = lines[i].match(/^\s*id\s*:\s*(.*?)\s*$/);
      if (m) return m[1];
    }
  }
  return file.replace(/^.*\//, '').replace(/\.md$/, '');
}

// The line end most of a text's lines have: CRLF (a file saved on
// Windows), CR alone (an old Mac editor's), else LF. A textarea holds LF
// only, so the editor sends the text back with the line ends the file had:
// a save with LF rewrote every line of a CRLF or CR file (a whole-file diff
// in a hall's git library). Mixed ends: the kind most lines had, for all of
// them (the fewest lines changed); a tie is LF.
function lineEnd(text) {
  const crlf = (text.match(/\r\n/g) || []).length;
  const cr = (text.match(/\r(?!\n)/g) || []).length;
  const lf = (text.match(/(?<!\r)\n/g) || []).length;
  if (crlf > cr && crlf > lf) return '\r\n';
  return cr > crlf && cr > lf ? '\r' : '\n';
}

// A file's text for the box, and what a save puts back: its line ends
// (lineEnd) and a byte order mark (Notepad's 「UTF-8 (带 BOM)」), which in
// the box would be an invisible character that the caret counts.
function fromFile(body) {
  const bom = body.startsWith('\uFEFF');
  return { text: bom ? body.slice(1) : body, bom, eol: lineEnd(body) };
}

function parseQuery(q) {
  const o = {};
  for (const [k, v] of new URLSearchParams(q)) o[k] = v;
  return o;
}

async function editorView(params) {
  const isNew = params.new === '1';
  const special = params.special || '';
  const st = {
    id: params.id || '', file: params.file || '', category: params.category || '', isNew,
    etag: null, dirty: false, seq: 0, timer: null, lastGood: null, special, eol: '\n', bom: false,
  };
  if (special) {
    st.id = special;
    st.file = params.file || (special.startsWith('_') ? `${special}.md` : `${special}/README.md`);
  } else if (!st.id || (!isNew && !st.file) || (isNew && !st.category)) {
    location.hash = '#/';
    return;
  }
  const sourceUrl = () => (st.special ? `/api/v1/admin/files/${enc(st.special)}/source`
    : `/api/v1/admin/procedures/${enc(st.id)}/source?file=${enc(st.file)}`);
  let text = template();
  const mine = viewSeq;
  show(el('p', { class: 'muted' }, '正在打开文件……'));
  if (isNew && special.endsWith('.practice')) {
    // scenarios made from the live procedure, so that the first check
    // passes and shows the shape: its conditions and its papers by id
    try {
      text = practiceTemplate((await api(`/api/v1/procedures/${enc(special.slice(0, -'.practice'.length))}`)).body);
    } catch (err) {
      if (!stale(mine)) show(failure(err, () => editorView(params)), el('p', {}, el('a', { href: '#/' }, '返回列表')));
      return;
    }
  } else if (!isNew) {
    let r;
    try {
      r = await api(sourceUrl());
    } catch (err) {
      // an optional file the hall has not written yet (_posts.md,
      // _calendar.md, _directory.md, a new folder's README.md): the list
      // offers it, so it opens on a starter text and 保存 creates it; it
      // said 这个文件已经不在了 with no way on
      if (special && !special.endsWith('.practice') && err.status === 404 && err.code === 'file_not_found') {
        st.isNew = true;
        text = specialTemplate(special);
      } else {
        if (!stale(mine)) show(failure(err, () => editorView(params)), el('p', {}, el('a', { href: '#/' }, '返回列表')));
        return;
      }
    }
    if (r) {
      const f = fromFile(r.body);
      text = f.text;
      st.eol = f.eol;
      st.bom = f.bom;
      st.etag = r.headers.get('etag');
    }
  }
  if (stale(mine)) return;
  editor = st;

  const title = st.isNew && special && !isNew ? `新建 ${st.file}（这个文件还没有，保存后建立）`
    : isNew && special ? `新建练习题：${st.file}`
    : isNew ? `新建事项：${st.category}/${st.id}.md` : `编辑 ${st.file}`;
  const previewTitle = st.special ? '预览' : '预览（居民看到的内容）';
  const heading = el('h1', {}, title);
  const gutter = el('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const src = el('textarea', { id: 'src', class: 'code', wrap: 'off', spellcheck: 'false',
    autocomplete: 'off', autocapitalize: 'none', 'aria-describedby': 'cursor-pos' });
  src.value = text;
  const pos = el('p', { id: 'cursor-pos', class: 'muted' });
  const saveBtn = el('button', { type: 'button', class: 'btn btn-primary', id: 'save' }, '保存');
  const reloadBtn = el('button', { type: 'button', class: 'btn', id: 'reload' }, '重新载入文件');
  // a typo fixed is not news for residents: without this the kiosk said
  // 本事项于…更新 for 30 days as if the policy had changed. Asked at each
  // save (it unticks itself), never stored in the file, where it would hide
  // the next real change. Staff still get 事项更新 for it; a wording fix
  // in a condition, a paper or a field label keeps their practice passes
  // (store.c, store_practice_hold), but a changed id, rule or {if} does not
  // whatever the box says: the label said 练习通过不变 of every save, and
  // the check's notice (admin_check_lapse) says which this one is.
  const editorial = el('input', { type: 'checkbox', id: 'editorial' });
  const editorialBox = el('label', { class: 'editorial', for: 'editorial' }, editorial,
    ' 只改了错别字或措辞（居民那里不显示「本事项已更新」；只改了文字、没改要核对的内容时，工作人员的练习通过也不变）');
  editorialBox.hidden = !!(st.special || st.isNew);
  const msg = el('div', { id: 'save-msg', role: 'status', 'aria-live': 'polite' });
  // a line held from the start: the first result drawn into an empty box
  // pushed 保存 down a line under an admin's click (x1 found a test miss it)
  const checks = el('div', { id: 'checks', 'aria-live': 'polite', tabindex: '0' },
    el('p', { class: 'muted' }, '正在检查…'));
  // scrolls on its own: focusable, so that a keyboard can scroll it too
  const preview = el('div', { id: 'preview', class: 'preview', tabindex: '0', role: 'region',
    'aria-labelledby': 'preview-h' });
  const viewLink = el('p', { id: 'view-link' });

  const numbers = () => {
    const n = src.value.split('\n').length;
    let s = '';
    for (let i = 1; i <= n; i++) s += `${i}\n`;
    if (gutter.textContent !== s) gutter.textContent = s;
    gutter.scrollTop = src.scrollTop;
  };
  const where = () => {
    const before = src.value.slice(0, src.selectionStart);
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    pos.textContent = `光标在第 ${line} 行，第 ${col} 列`;
  };
  // The caret to the start of the line, nothing selected: the whole line
  // selected was replaced by the admin's next key. The line's number is
  // marked in the gutter instead, which no key can destroy, until the text
  // changes (the number may then be another line's).
  const gotoLine = (line) => {
    const start = lineStart(src.value, line);
    src.focus();
    src.setSelectionRange(start, start);
    const lh = parseFloat(getComputedStyle(src).lineHeight) || 20;
    src.scrollTop = Math.max(0, (line - 1) * lh - src.clientHeight / 3);
    src.scrollLeft = 0;
    numbers();
    const nums = gutter.textContent.split('\n');
    if (line >= 1 && line < nums.length) {
      gutter.replaceChildren(nums.slice(0, line - 1).map((n) => `${n}\n`).join(''),
        el('mark', { class: 'at-line' }, nums[line - 1]), `\n${nums.slice(line).join('\n')}`);
    }
    where();
  };

  // The problems of the text: each a button that moves the cursor to its line.
  const showChecks = (errors, note) => {
    const items = errors.map((d) => {
      const sev = d.severity === 'warning' ? 'warning' : 'error';
      return el('li', { class: sev === 'error' ? 'error' : 'warn' },
        el('button', { type: 'button', class: 'linkish', 'data-line': d.line,
          onClick: () => gotoLine(d.line) },
        `${sev === 'error' ? '错误' : '提醒'} · 第 ${d.line} 行`), `：${d.message}`);
    });
    const nErr = errors.filter((d) => d.severity !== 'warning').length;
    const parts = [
      note ? el('p', { class: 'muted' }, note) : null,
      nErr ? el('p', { class: 'msg-error' }, `有 ${nErr} 处错误，改好之前不能保存`)
        : el('p', { class: 'msg-ok' }, errors.length ? '没有错误（有提醒，可以保存）' : '没有发现问题'),
      items.length ? el('ul', { class: 'issues' }, items) : null,
    ];
    checks.replaceChildren(...parts.filter(Boolean));
  };

  // the file's own line ends and byte order mark (fromFile)
  const asSaved = (typed) => (st.bom ? '\uFEFF' : '') + typed.replace(/\n/g, st.eol);

  const runPreview = async () => {
    const seq = ++st.seq;
    // 只改在用版本 saves by PUT …/live-source, where 只改了错别字或措辞
    // applies though the file holds the waiting text: the check's notice
    // on practice passes says so only when told
    const q = st.special ? `special=${enc(st.special)}`
      : st.isNew ? `id=${enc(st.id)}&category=${enc(st.category)}`
        : `id=${enc(st.id)}&file=${enc(st.file)}${st.liveFix ? '&live_fix=1' : ''}`;
    let res, failed = null;
    try {
      // the bytes a save would write (its line ends, its BOM): the check's
      // notice on practice passes goes by the text's hash, and the box's
      // LF text of a CRLF file was another text than the live one
      res = (await api(`/api/v1/admin/preview?${q}`, { method: 'POST', body: asSaved(src.value) })).body;
    } catch (err) {
      failed = err;
    }
    if (seq !== st.seq || editor !== st) return; // a newer text is being checked
    if (failed) {
      checks.replaceChildren(el('p', { class: 'msg-error' }, errorText(failed, '检查没有成功，请稍后再试')));
      return;
    }
    showChecks(res.errors);
    if (st.special) {
      preview.replaceChildren(el('p', { class: 'muted', id: 'special-note' }, specialNote(st.special)));
    } else if (res.procedure) {
      st.lastGood = res.procedure;
      preview.classList.remove('stale');
      preview.replaceChildren(previewArticle(res.procedure, res.staff_guidance));
    } else if (st.lastGood) {
      preview.classList.add('stale');
      if (!preview.querySelector('.stale-note')) {
        preview.prepend(el('p', { class: 'msg-warn stale-note' }, '有错误，下面是上一次没有错误时的样子'));
      }
    } else {
      preview.replaceChildren(el('p', { class: 'muted' }, '改好错误后这里显示预览'));
    }
  };
  const schedule = () => {
    clearTimeout(st.timer);
    st.timer = setTimeout(runPreview, PREVIEW_DELAY_MS);
  };

  const setLink = () => {
    viewLink.replaceChildren(st.isNew || !onKiosk(st.special) ? '' : el('a', { href: st.special ? '/' : `/#/p/${enc(st.id)}`, target: '_blank',
      rel: 'noopener' }, '在自助机页面查看（新窗口）'));
  };

  const reload = async () => {
    if (st.dirty && !confirm('重新载入会丢掉您没有保存的修改，确定吗？')) return;
    let r;
    try {
      r = await api(sourceUrl());
    } catch (err) {
      msg.replaceChildren(el('p', { class: 'msg-error' }, errorText(err, '没能读取文件')));
      return;
    }
    const f = fromFile(r.body);
    src.value = f.text;
    st.eol = f.eol;
    st.bom = f.bom;
    st.etag = r.headers.get('etag');
    st.dirty = false;
    st.liveFix = null;
    st.liveText = undefined;
    numbers();
    msg.replaceChildren(el('p', { class: 'msg-ok' }, '已载入磁盘上的最新内容'));
    showWaiting();
    runPreview();
  };

  // one save at a time: Ctrl+S does not go through the disabled button, and
  // a second PUT with the same If-Match is 409 (文件在您打开之后被改过了)
  // though the first went through
  const save = () => (saveBtn.disabled ? undefined : busy(saveBtn, async () => {
    // a new id moves the item: residents' saved links and the practice file
    // go by the id, so it is asked, not done on a stray keystroke
    const left = st.isNew && !st.special ? placeholderLeft(src.value) : null;
    if (left) {
      msg.replaceChildren(el('p', { class: 'msg-error', role: 'alert' },
        `没有保存：模板里的${left}还没有改。保存后居民就会看到，请先写上这个事项的名称和一句话说明。`));
      return;
    }
    const next = st.special || st.isNew ? null : idOf(src.value, st.file);
    if (next && next !== st.id && !confirm(`这次保存会把事项编号从「${st.id}」改成「${next}」。`
      + '居民收藏的链接、二维码和练习题都按编号找事项，改了以后旧编号就找不到了（排期生效的新版本到生效日才改）。确定要改吗？')) {
      msg.replaceChildren(el('p', { class: 'muted' }, '没有保存：编号没有改'));
      return;
    }
    clearTimeout(st.timer);
    // a check still on its way is of an earlier text (the one loaded, or
    // typed before): its answer drew 没有发现问题 over the errors this
    // save's 422 shows (a loaded machine, 12-07). The save's answer draws
    // the checks, or runs them again
    st.seq++;
    msg.replaceChildren(el('p', { class: 'muted' }, '正在保存……'));
    const asEditorial = !st.isNew && !st.special && editorial.checked;
    // 改在用版本: the live text fixed, the waiting one written back as it was
    const fixing = st.liveFix;
    const url = fixing
      ? `/api/v1/admin/procedures/${enc(st.id)}/live-source?file=${enc(st.file)}&waiting=${fixing.waiting}`
        + (asEditorial ? '&editorial=1' : '')
      : st.isNew && !st.special
      ? `/api/v1/admin/procedures/${enc(st.id)}/source?category=${enc(st.category)}`
      : sourceUrl() + (asEditorial ? '&editorial=1' : '');
    const headers = fixing ? { 'If-Match': `"${fixing.live}"` }
      : st.isNew ? { 'If-None-Match': '*' } : { 'If-Match': st.etag };
    const typed = src.value;
    const sent = asSaved(typed);
    let saved;
    try {
      saved = (await api(url, { method: 'PUT', body: sent, headers })).body;
    } catch (err) {
      if (stale(mine)) return;
      const r = err.body || {};
      if (err.status === 422 && r.errors) {
        msg.replaceChildren(el('p', { class: 'msg-error', role: 'alert' }, errorText(err)));
        showChecks([...r.errors.map((d) => ({ ...d, severity: 'error' })),
          ...(r.warnings || []).map((d) => ({ ...d, severity: 'warning' }))],
        '保存时的检查结果（文件没有改动）：');
      } else if (err.status === 409) {
        msg.replaceChildren(el('div', { class: 'msg-error', role: 'alert' },
          el('p', {}, errorText(err)),
          el('p', {}, '您的修改还在编辑框里：可以先复制出来，重新载入文件后再改。'),
          el('button', { type: 'button', class: 'btn', onClick: reload }, '重新载入文件')));
        runPreview();
      } else {
        msg.replaceChildren(el('p', { class: 'msg-error', role: 'alert' }, errorText(err, '保存没有成功')));
        runPreview();
      }
      return;
    }
    // left while it was saving (返回列表, confirmed): the answer must not put
    // this editor's address back over the view now shown, or a click on
    // 编辑 for the file, to that same address, did nothing
    if (stale(mine)) return;
    editorial.checked = false;
    editorialBox.hidden = !!st.special;
    if (fixing) {
      st.liveFix = null;
      // the box back to what the file holds: the waiting text, in which
      // the same typo may wait too
      let file;
      try {
        file = await api(sourceUrl());
      } catch (err) {
        file = null;
      }
      if (file) {
        const f = fromFile(file.body);
        src.value = f.text;
        st.eol = f.eol;
        st.bom = f.bom;
        st.etag = file.headers.get('etag');
        st.dirty = false;
        numbers();
        where();
      }
      msg.replaceChildren(el('p', { class: saved.rescheduled ? 'msg-ok' : 'msg-error', role: 'alert' },
        saved.rescheduled
          ? `在用的版本已改好并上线${saved.editorial ? '（只改了文字，居民那里不显示「本事项已更新」）' : ''}；`
            + '排期的新版本原样保留，编辑框里又是它的内容。新版本里如果也有这个错字，请在这里一起改好再保存。'
          : '在用的版本已改好并上线，但排期的新版本没能写回文件：它还存在数据库里，请联系技术人员，不要再保存这个文件。'));
      showWaiting();
      runPreview();
      return;
    }
    st.etag = `"${saved.hash}"`;
    st.dirty = src.value !== typed;
    // 撤回排期 saved as it was loaded: the live text back, nothing new for
    // residents (a UI review: 已保存并上线 read as a new version published)
    const withdrawn = saved.live && st.liveText !== undefined && typed === st.liveText;
    const hadLive = !st.isNew;
    if (!st.isNew && !st.special && saved.id && saved.id !== st.id) {
      // renamed: the next save and a reload go by the new id
      st.id = saved.id;
      st.file = saved.file || st.file;
      history.replaceState(null, '', `#/edit?id=${enc(st.id)}&file=${enc(st.file)}`);
      shownHash = location.hash;
      setLink();
    }
    if (st.isNew) {
      st.isNew = false;
      st.file = saved.file;
      st.id = saved.id;
      history.replaceState(null, '', st.special ? `#/edit?special=${enc(st.special)}&file=${enc(st.file)}`
        : `#/edit?id=${enc(st.id)}&file=${enc(st.file)}`);
      shownHash = location.hash;
      reloadBtn.hidden = false;
      heading.textContent = `编辑 ${st.file}`; // made: no longer 新建
      setLink();
    }
    // the file is written but the database is full: residents still get
    // the earlier text, and the daemon puts this one live once it can
    if (saved.stored === false) {
      msg.replaceChildren(el('p', { class: 'msg-error', role: 'alert' },
        '文件已经保存，但服务器的数据库现在写不进去（可能是磁盘满了），自助机上还是原来的内容。'
        + '请联系 IT 人员腾出空间；腾出后系统会自动上线这次的修改，不用再保存。'));
      showWaiting();
      runPreview();
      return;
    }
    msg.replaceChildren(el('p', { class: 'msg-ok', role: 'alert' }, st.special ? (st.special.endsWith('.practice') ? '已保存并生效：练习模式现在用的就是这些场景'
      : '已保存并生效：自助机现在用的就是这个内容')
      : withdrawn ? '已撤回排期：文件恢复成在用的版本，自助机上没有任何变化'
      : saved.live ? `已保存并上线${saved.version ? `（版本 ${saved.version}）` : ''}：自助机现在显示的就是这个内容`
        + (saved.editorial ? '；只改了文字，居民那里不显示「本事项已更新」（工作人员的「事项更新」照常列出这次修改）' : '')
      : saved.scheduled ? `已保存并排期：${saved.scheduled} 生效，当天自动上线；`
        + (hadLive ? '在那之前自助机仍显示现在的版本' : '在那之前居民在自助机上找不到这个事项')
        + (saved.editorial === false ? '。排期的新版本上线时，居民照常会看到「本事项已更新」' : '')
      : '已保存；但文件刚刚又被改动过，自助机显示的是最新载入的内容，请刷新列表查看'));
    // the file's text is live now: the note of a waiting version (and its
    // 撤回排期) no longer holds
    if (saved.live) waiting.replaceChildren();
    else showWaiting();
    runPreview();
  }));

  saveBtn.addEventListener('click', save);
  reloadBtn.addEventListener('click', reload);
  reloadBtn.hidden = st.isNew;
  src.addEventListener('input', () => {
    st.dirty = true;
    if (gutter.firstElementChild) gutter.replaceChildren(gutter.textContent); // gotoLine's mark off
    numbers(); where(); schedule();
  });
  src.addEventListener('scroll', () => { gutter.scrollTop = src.scrollTop; });
  for (const ev of ['keyup', 'click', 'select', 'focus']) src.addEventListener(ev, where);
  // Ctrl+S anywhere in the editor (start() listens on the document): with
  // the focus on a button or the note of 撤回排期 it opened the browser's
  // 网页另存为 instead
  st.save = save;

  // a file whose text waits for its date: the editor holds that text, while
  // residents still get the live one until then; said before any edit
  const waiting = el('div', { id: 'scheduled-note' });
  // withdrawing it: the live version's text into the editor, which a save
  // writes back (the file is then what residents get, and nothing waits);
  // the console had no way to get that text (a policy-change review)
  // The waiting text is gone once the withdrawal is saved (the console can
  // fetch the live version's text, not a withdrawn one): said before, when
  // it can still be copied out. An admin who only meant to fix a typo in
  // the live version lost the next year's text.
  // The live version's text into the editor, for 撤回排期 and 只改在用版本:
  // with that version's line ends and byte order mark, not the waiting
  // text's, so a save writes its bytes again. The answer, or null after
  // saying why not.
  const loadLive = async (liveId) => {
    let r;
    try {
      r = await api(`/api/v1/admin/procedures/${enc(liveId)}/source?version=live`);
    } catch (err) {
      msg.replaceChildren(el('p', { class: 'msg-error' }, errorText(err, '没能读取在用的版本')));
      return null;
    }
    const f = fromFile(r.body);
    src.value = f.text;
    st.eol = f.eol;
    st.bom = f.bom;
    st.dirty = true;
    numbers();
    where();
    return r;
  };
  const withdrawButton = (liveId, effective) => {
    const b = el('button', { type: 'button', class: 'btn', id: 'withdraw' }, '撤回排期：把编辑框换成在用的版本');
    b.addEventListener('click', () => busy(b, async () => {
      if (!confirm(`${st.dirty ? '编辑框里没有保存的修改会丢掉。' : ''}撤回并保存后，${effective} 生效的新版本就不在文件里了，`
        + '管理后台里也取不回来。以后还要用它的话，请先点“取消”，在编辑框里全选（Ctrl+A）复制，存到别处。确定撤回吗？')) return;
      if (!await loadLive(liveId)) return;
      st.liveText = src.value; // as the box holds it
      // said where the admin looks, at the top, in place of the note that
      // no longer holds (a UI review: the change was below the fold)
      const said = el('p', { class: 'msg-warn', role: 'status', tabindex: '-1' },
        '编辑框里现在是在用的版本的内容。点“保存”就撤回排期的新版本，文件恢复成在用的内容，自助机上没有任何变化；'
        + '不想撤回就点“重新载入文件”。');
      waiting.replaceChildren(said);
      said.focus();
      msg.replaceChildren(el('p', { class: 'msg-warn' }, '点“保存”撤回排期。'));
      schedule();
    }));
    return b;
  };
  // 改在用版本: a typo residents read today, fixed without withdrawing the
  // waiting version (before, the admin had to copy it away, withdraw, fix,
  // save and paste it back)
  const fixLiveButton = (liveId, effective) => {
    const b = el('button', { type: 'button', class: 'btn', id: 'fix-live' }, '只改在用版本（排期的新版本不变）');
    b.addEventListener('click', () => busy(b, async () => {
      if (st.dirty && !confirm('编辑框里没有保存的修改会丢掉，确定吗？')) return;
      const r = await loadLive(liveId);
      if (!r) return;
      st.liveText = undefined;
      st.liveFix = { live: (r.headers.get('etag') || '').replace(/"/g, ''),
        waiting: (st.etag || '').replace(/"/g, '') };
      const said = el('p', { class: 'msg-warn', role: 'status', tabindex: '-1' },
        `编辑框里现在是在用的版本（居民今天看到的）。改好后点“保存”：只有在用的版本改了，马上上线；${effective} 生效的新版本原样留在文件里。`
        + '不改了就点“重新载入文件”。');
      waiting.replaceChildren(said);
      said.focus();
      msg.replaceChildren(el('p', { class: 'msg-warn' }, '改好在用版本后点“保存”。'));
      schedule();
    }));
    return b;
  };
  // asked at the opening, after a save that did not go live and after
  // 重新载入文件: a note kept from the opening would name a date a save
  // moved, or a waiting version the file no longer holds
  let waitingSeq = 0;
  const showWaiting = () => {
    if (st.isNew || st.special) return;
    const mineW = ++waitingSeq;
    api('/api/v1/admin/procedures').then(({ body }) => {
      if (mineW !== waitingSeq || editor !== st) return; // a newer answer is coming
      // by the file: a waiting text that renames the item is listed under
      // the id it serves until its date, while the editor goes on under
      // the new one once it saved it
      const p = body.procedures.find((x) => x.file === st.file && x.state !== 'retired' && x.kind !== 'practice');
      waiting.dataset.checked = 'true'; // for a test: the answer was read
      // the note is true only when the file's text is the waiting version
      if (!p || !p.scheduled || p.state !== 'scheduled') {
        waiting.replaceChildren();
        return;
      }
      const head = `这个文件是 ${p.scheduled.effective} 生效的新版本${p.scheduled.version ? `（版本 ${p.scheduled.version}）` : ''}：`
        + '编辑框里是它的内容，保存的修改也到那天才生效。';
      // a new item has no live version to show or to go back to
      waiting.replaceChildren(...(p.live ? [el('p', { class: 'msg-warn' }, head,
        `在那之前自助机继续显示在用的版本${p.live.version ? `（版本 ${p.live.version}）` : ''}，`,
        el('a', { href: `/#/p/${enc(p.id)}`, target: '_blank', rel: 'noopener' }, '在自助机页面查看在用的版本'),
        '。'), el('div', { class: 'btn-row' }, fixLiveButton(p.id, p.scheduled.effective),
          withdrawButton(p.id, p.scheduled.effective))]
        : [el('p', { class: 'msg-warn' }, head, '这是新事项，在那之前居民在自助机上找不到它。')]));
    }, () => {});
  };
  showWaiting();
  show(
    el('p', {}, el('a', { href: '#/' }, '← 返回列表')),
    heading,
    waiting,
    el('div', { class: 'editor-layout' },
      // the checks above the text, so that on a 1366×768 screen the errors
      // are in sight without scrolling the page
      el('section', { class: 'editor-pane', 'aria-labelledby': 'src-label' },
        el('h2', { class: 'checks-h' }, '检查结果'),
        checks,
        el('label', { for: 'src', id: 'src-label' }, 'Markdown 源文件'),
        el('div', { class: 'code-wrap' }, gutter, src),
        pos,
        el('div', { class: 'btn-row' }, saveBtn, reloadBtn, editorialBox),
        msg),
      el('section', { class: 'preview-pane', 'aria-labelledby': 'preview-h' },
        el('h2', { id: 'preview-h' }, previewTitle),
        viewLink,
        preview)));
  setLink();
  numbers();
  where();
  // The caret is placed as the box is shown, before the first check: placed
  // after that check's answer, it moved under an admin who had already
  // clicked into the text and typed (the next keys went to line 1), and a
  // test's fill that landed between its select-all and its typing put the
  // new text before the old (CI, 12-07: the file saved twice over).
  if (params.line) gotoLine(Number(params.line));
  else {
    // at the top, where the front matter is: a text box whose value was
    // set keeps its caret at the end, and the editor opened on a file's
    // last lines (a review: 光标在第 83 行 on a file just opened)
    src.setSelectionRange(0, 0);
    src.focus();
    src.scrollTop = 0;
    where();
  }
  await runPreview();
}

// ---- routing ----------------------------------------------------------------------

async function route() {
  const h = location.hash || '#/';
  if (h === shownHash) return;
  if (editor && editor.dirty && !confirm('有没有保存的修改，确定离开吗？')) {
    history.replaceState(null, '', shownHash);
    return;
  }
  shownHash = h;
  editor = null;
  const mine = ++viewSeq;
  const [path, query] = h.replace(/^#/, '').split('?');
  // the editor and the new-file form put the focus where typing goes
  if (path === '/edit') {
    await editorView(parseQuery(query || ''));
  } else if (path === '/new') {
    await newView();
  } else {
    await listView();
    // while the list is still the view: a list that answered after the
    // editor was opened took the focus from its text box, and the admin's
    // next keys went nowhere
    if (!stale(mine)) main.focus({ preventScroll: true });
  }
}

async function start() {
  await ensureLogin(main, 'admin');
  document.getElementById('session').replaceChildren(sessionBadge());
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', (e) => {
    if (editor && editor.save && (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      editor.save();
    }
  });
  window.addEventListener('beforeunload', (e) => {
    if (editor && editor.dirty) {
      e.preventDefault();
      e.returnValue = '';
    }
  });
  await route();
}

start();
offerNewerBuild(import.meta.url);
