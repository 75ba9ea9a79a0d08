// The statistics page (/admin/stats): a date range and procedure filter,
// the figures per procedure as a table, simple SVG charts drawn here (each
// with a text alternative: a <title>, a <desc> that reads out the numbers,
// and the tables), and a CSV download of the same figures.
import { el } from './core.js';
import { api, ApiError } from './api.js';
import { ensureLogin, errorText, sessionBadge } from './auth.js';
import { offerNewerBuild } from './fresh.js';

const SVG = 'http://www.w3.org/2000/svg';
const SERIES = [
  { key: 'started', name: '开始', cls: 's-started' },
  { key: 'submitted', name: '提交', cls: 's-submitted' },
  { key: 'completed', name: '办结', cls: 's-completed' },
  { key: 'abandoned', name: '放弃', cls: 's-abandoned' },
];
const STAGE_TEXT = { conditions: '办理条件', submit: '提交前', window: '窗口受理' };
let uid = 0;

function svg(tag, attrs, ...kids) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

function fmt(n, digits = 1) {
  return n === null || n === undefined ? '—' : Number(n).toFixed(digits).replace(/\.0+$/, '');
}

function giveUpText(g) {
  if (!g) return '—';
  if (g.stage === 'step') return `第 ${g.step + 1} 步${g.title ? ' ' + g.title : ''}`;
  return STAGE_TEXT[g.stage] || g.title || g.stage;
}

// A horizontal bar chart. rows: [{label, values: [n per series]}]. Every
// bar carries its number as text, so nothing depends on colour alone.
function barChart({ caption, desc, rows, series, unit = '' }) {
  const id = `chart-${++uid}`;
  const labelW = 190;
  const barH = 16;
  const gap = 3;
  const groupGap = 12;
  const plotW = 360;
  const valueW = 70;
  const groupH = series.length * (barH + gap) - gap;
  const height = Math.max(rows.length, 1) * (groupH + groupGap) + groupGap;
  const width = labelW + plotW + valueW;
  const max = Math.max(1, ...rows.flatMap((r) => r.values.map((v) => v || 0)));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-labelledby': `${id}-t ${id}-d` });
  root.append(svg('title', { id: `${id}-t` }, caption), svg('desc', { id: `${id}-d` }, desc));
  rows.forEach((r, i) => {
    const y0 = groupGap + i * (groupH + groupGap);
    const label = r.label.length > 13 ? r.label.slice(0, 12) + '…' : r.label;
    root.append(svg('text', { x: labelW - 8, y: y0 + groupH / 2 + 4, 'text-anchor': 'end' }, label));
    series.forEach((s, j) => {
      const v = r.values[j];
      const y = y0 + j * (barH + gap);
      const w = v ? Math.max(2, (v / max) * plotW) : 0;
      if (w) root.append(svg('rect', { x: labelW, y, width: w, height: barH, class: s.cls }));
      root.append(svg('text', { x: labelW + w + 4, y: y + barH - 3 },
        v === null || v === undefined ? '无' : `${fmt(v)}${unit}`));
    });
  });
  root.append(svg('line', { x1: labelW, y1: 4, x2: labelW, y2: height - 4, class: 'axis' }));
  const fig = el('figure', { class: 'chart' }, el('figcaption', { 'aria-hidden': 'true' }, caption));
  if (series.length > 1) {
    fig.append(el('ul', { class: 'legend', 'aria-hidden': 'true' },
      series.map((s) => el('li', {}, el('span', { class: `swatch ${s.cls}` }), s.name))));
  }
  fig.append(root);
  return fig;
}

function countsChart(procs) {
  const rows = procs.map((p) => ({ label: p.title, values: SERIES.map((s) => p[s.key]) }));
  const desc = procs.map((p) => `${p.title}：${SERIES.map((s) => `${s.name} ${p[s.key]} 件`).join('，')}`)
    .join('；') + '。数字与上面的表格相同。';
  return barChart({ caption: '各事项办理数量', desc, rows, series: SERIES });
}

function stepsChart(p) {
  const rows = p.steps.map((s) => ({ label: `第${s.step + 1}步 ${s.title}`, values: [s.median_minutes] }));
  const desc = p.steps.map((s) => `第 ${s.step + 1} 步 ${s.title}：${s.median_minutes === null
    ? '没有数据' : `中位数 ${fmt(s.median_minutes)} 分钟（${s.samples} 件）`}`).join('；') + '。';
  return barChart({ caption: `${p.title}：每步用时中位数（分钟）`, desc, rows, unit: ' 分钟',
    series: [{ name: '分钟', cls: 's-minutes' }] });
}

// 满意率 counts the residents' ratings of cases handed in to the hall
// (ratings.counted); the others (a browser logged in as staff, a case never
// handed in) are recorded in the contract's figures and said apart here.
const counted = (p) => p.ratings.counted || p.ratings;
const apart = (p) => p.ratings.apart || { staff: 0, not_handed_in: 0 };

function apartText(p) {
  const a = apart(p);
  const parts = [];
  if (a.staff) parts.push(`工作人员登录着的浏览器评价 ${a.staff} 条`);
  if (a.not_handed_in) parts.push(`没有交到大厅办理的办件的评价 ${a.not_handed_in} 条`);
  return parts.length ? `另有${parts.join('、')}，不计入满意率。` : '';
}

function goodRate(p) {
  const c = counted(p);
  if (c.good_rate === null || c.good_rate === undefined) return '—';
  return `${(c.good_rate * 100).toFixed(1)}%`;
}

function ratingsChart(p) {
  const names = ['1 分 非常不满意', '2 分 不满意', '3 分 基本满意', '4 分 满意', '5 分 非常满意'];
  const c = counted(p);
  const rows = c.scores.map((n, i) => ({ label: names[i], values: [n] }));
  const desc = `计入满意率的评价共 ${c.count} 条，平均 ${fmt(c.average, 2)} 分，好评率 ${goodRate(p)}；` +
    c.scores.map((n, i) => `${names[i]} ${n} 条`).join('，') + '。' + apartText(p);
  return barChart({ caption: `${p.title}：评价分布`, desc, rows, unit: ' 条',
    series: [{ name: '评价', cls: 's-score' }] });
}

function num(n, cls = 'num') {
  return el('td', { class: cls }, String(n));
}

function summaryTable(data) {
  const head = ['事项', '开始', '提交', '办结', '放弃', '最多放弃于', '评价数', '平均评分', '好评率', '按期办结率'];
  return el('div', { class: 'table-wrap' }, el('table', { class: 'stats' },
    el('caption', {}, `各事项办理情况（${data.from} 至 ${data.to}）`),
    el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { scope: 'col', class: i && i !== 5 ? 'num' : null }, h)))),
    el('tbody', {}, data.procedures.map((p) => el('tr', { class: p.live ? null : 'retired' },
      el('th', { scope: 'row' }, p.title, p.live ? '' : '（已停办）'),
      num(p.started), num(p.submitted), num(p.completed), num(p.abandoned),
      el('td', {}, p.give_up_step ? `${giveUpText(p.give_up_step)}（${p.give_up_step.count} 件）` : '—'),
      // 评价数 with what 满意率 leaves out after it (另 N)
      el('td', { class: 'num', title: apartText(p) || null },
        String(counted(p).count) + (p.ratings.count > counted(p).count ? `（另 ${p.ratings.count - counted(p).count}）` : '')),
      el('td', { class: counted(p).average === null ? 'num none' : 'num' }, fmt(counted(p).average, 2)),
      el('td', { class: goodRate(p) === '—' ? 'num none' : 'num' }, goodRate(p)),
      el('td', { class: p.on_time_rate === null ? 'num none' : 'num' }, onTimeText(p)))))));
}

// 按期办结率 of the chains finished in the range, with the counts behind it.
function onTimeText(p) {
  if (p.on_time_rate === null) return '—';
  return `${(p.on_time_rate * 100).toFixed(1)}%（${p.on_time}/${p.finished}）`;
}

// Median working days per stage of the review chain (stages done in the range).
function stagesTable(p) {
  if (!p.stages.length) return el('p', { class: 'hint' }, '这段时间没有办完的审核环节。');
  return el('table', {},
    el('caption', { class: 'sr-only' }, `${p.title}：各环节用时`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '环节'),
      el('th', { scope: 'col', class: 'num' }, '用时中位数（工作日）'), el('th', { scope: 'col', class: 'num' }, '件数'))),
    el('tbody', {}, p.stages.map((s) => el('tr', {},
      el('th', { scope: 'row' }, s.label), num(fmt(s.median)), num(s.count)))));
}

function detail(p, open) {
  const stepsTable = el('table', {},
    el('caption', { class: 'sr-only' }, `${p.title}：每步用时`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '步骤'),
      el('th', { scope: 'col', class: 'num' }, '用时中位数（分钟）'), el('th', { scope: 'col', class: 'num' }, '件数'))),
    el('tbody', {}, p.steps.map((s) => el('tr', {},
      el('th', { scope: 'row' }, `第 ${s.step + 1} 步 ${s.title}`),
      num(fmt(s.median_minutes)), num(s.samples)))));
  const giveUp = p.give_up.length
    ? el('ul', {}, p.give_up.map((g) => el('li', {}, `${giveUpText(g)}:${g.count} 件`)))
    : el('p', { class: 'hint' }, '没有放弃的办事记录。');
  return el('details', { class: 'proc', open: open || undefined },
    el('summary', {}, `${p.title}（开始 ${p.started} 件）`),
    el('div', { class: 'charts' }, stepsChart(p), ratingsChart(p)),
    apartText(p) ? el('p', { class: 'hint ratings-apart' }, apartText(p) +
      '它们照样记录，1、2 分的照样要回访整改。') : null,
    el('h3', {}, '每步用时'), stepsTable,
    el('h3', {}, '在哪里放弃'), giveUp,
    el('h3', {}, `各环节用时（按期办结率 ${onTimeText(p)}）`), stagesTable(p),
    el('h3', {}, '回访'), followupTable(p));
}

// Call-backs whose result was recorded in the range, and the complaints
// (差评整改) still open at its end.
// A complaint opened by a rating 满意率 leaves out (a staff session's, a
// case never handed in) is owed all the same; said under the table, so
// that open 差评 beside a 好评率 of 100% does not read as a contradiction.
function followupTable(p) {
  const f = p.followups;
  const head = ['已回访', '满意', '不满意', '联系不上', '未办结的差评整改'];
  const table = el('table', { class: 'followups' },
    el('caption', { class: 'sr-only' }, `${p.title}：回访`),
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', class: 'num' }, h)))),
    el('tbody', {}, el('tr', {}, num(f.done), num(f.satisfied), num(f.unsatisfied), num(f.unreachable),
      num(f.complaints_open, f.complaints_open ? 'num warn' : 'num'))));
  // 联系不上 is a try until the last (followup.h): what the tries came to,
  // said under the table so that its columns keep their places
  const retried = f.reached_on_retry ? el('p', { class: 'hint reached-on-retry' },
    `满意、不满意的 ${f.satisfied + f.unsatisfied} 件中，${f.reached_on_retry} 件是前面联系不上、改天再打才联系上的；` +
    '“联系不上”是打满次数仍联系不上、结束了的。') : null;
  const apart = f.complaints_open_apart ? el('p', { class: 'hint complaints-apart' },
    `未办结的差评整改中 ${f.complaints_open_apart} 件由不计入满意率的评价引起（工作人员登录着的浏览器评价，或没有交到大厅的办件的评价），仍须回访整改。`) : null;
  if (!retried && !apart) return table;
  return el('div', {}, table, retried, apart);
}

function queryString(f) {
  const q = new URLSearchParams();
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.procedure) q.set('procedure', f.procedure);
  return q.toString();
}

async function start() {
  const main = document.getElementById('main');
  await ensureLogin(main, 'admin');
  document.getElementById('session').replaceChildren(sessionBadge());

  const params = new URLSearchParams(location.search);
  const from = el('input', { type: 'date', id: 'from', name: 'from', value: params.get('from') || '' });
  const to = el('input', { type: 'date', id: 'to', name: 'to', value: params.get('to') || '' });
  const proc = el('select', { id: 'procedure', name: 'procedure' }, el('option', { value: '' }, '全部事项'));
  const wanted = params.get('procedure') || '';
  const csv = el('a', { class: 'btn', id: 'csv', download: '' }, '下载 CSV 表格');
  const status = el('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const error = el('p', { class: 'msg-error', role: 'alert' });
  const results = el('div', { id: 'results' });
  const form = el('form', { class: 'card filters', 'aria-label': '统计范围' },
    el('div', { class: 'field' }, el('label', { for: 'from' }, '开始日期'), from),
    el('div', { class: 'field' }, el('label', { for: 'to' }, '结束日期'), to),
    el('div', { class: 'field' }, el('label', { for: 'procedure' }, '事项'), proc),
    el('button', { type: 'submit', class: 'btn btn-primary' }, '查询'),
    csv);
  main.replaceChildren(
    el('h1', {}, '办事统计'),
    el('p', { class: 'hint' }, '开始、提交、办结、放弃和评价按开始办理的日期统计（这段时间开始的办事）；' +
      '按期办结率、各环节用时按办结的日期，回访按记录的日期，未办结的差评整改算到结束日期为止。' +
      '自助办理一小时、窗口代为填写一天没有操作的办事记录算作放弃；' +
      '已提交后超过保存期限（至少一天）没有任何操作的也算作放弃。超过保存期限的记录只保留匿名的数字，个人信息已删除。'),
    form, error, status, results);

  let procsKnown = false;
  // An option for a procedure the full list lacks (retired, no cases in
  // the range), so that the filter shown is the filter applied.
  function ensureOption(id, title) {
    if (!id || [...proc.options].some((o) => o.value === id)) return;
    proc.append(el('option', { value: id }, title || id));
  }
  const addOptions = (procs) => procs.forEach((p) => ensureOption(p.id, p.title));
  // The load asked for last (an earlier one's answer, back after it, drew
  // the range asked before), and the boxes as it read them: a box the admin
  // changed meanwhile, or is typing in (a date half typed reads as ''),
  // keeps what they put there. The page's first load set both dates back
  // under a range typed while it ran, and 查询 then asked for the default.
  let loads = 0;
  const untouched = (box, was) => box.value === was && document.activeElement !== box;
  async function load() {
    const mine = ++loads;
    const asked = { from: from.value, to: to.value, procedure: proc.value };
    const f = { from: from.value, to: to.value, procedure: proc.value || (procsKnown ? '' : wanted) };
    const qs = queryString(f);
    error.textContent = '';
    status.textContent = '正在统计……';
    try {
      const { body: data } = await api(`/api/v1/admin/stats${qs ? '?' + qs : ''}`);
      if (mine !== loads) return;
      if (untouched(from, asked.from)) from.value = data.from;
      if (untouched(to, asked.to)) to.value = data.to;
      if (!procsKnown && !f.procedure) {
        addOptions(data.procedures);
        procsKnown = true;
      } else if (!procsKnown) {
        // filtered at first: the full list comes from an unfiltered call
        try {
          const all = await api(`/api/v1/admin/stats?${queryString({ from: data.from, to: data.to })}`);
          addOptions(all.body.procedures);
          procsKnown = true;
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;   // else: the list comes with the next query
        }
        if (mine !== loads) return;
      }
      if (f.procedure) {
        const p = data.procedures[0];
        ensureOption(f.procedure, p && `${p.title}${p.live ? '' : '（已停办）'}`);
        if (untouched(proc, asked.procedure)) proc.value = f.procedure;
      }
      // what was asked for, not what the list happens to hold
      const shown = { from: data.from, to: data.to, procedure: f.procedure };
      history.replaceState(null, '', `/admin/stats?${queryString(shown)}`);
      csv.href = `/api/v1/admin/stats?${queryString(shown)}&format=csv`;
      // the chart counts the cases begun in the range; the details also
      // show an item with none begun whose chains finished, call-backs were
      // made or a complaint is still open (a month-end review: an open 差评
      // from an earlier month was nowhere on the page)
      const active = data.procedures.filter((p) => p.started > 0);
      const busy = data.procedures.filter((p) => p.started > 0 || p.finished > 0 || p.stages.length > 0 ||
        p.followups.done > 0 || p.followups.complaints_open > 0);
      const complaints = data.procedures.reduce((a, p) => a + p.followups.complaints_open, 0);
      status.textContent = `${data.from} 至 ${data.to},${data.procedures.length} 个事项，` +
        `共开始 ${data.procedures.reduce((a, p) => a + p.started, 0)} 件。` +
        (complaints ? `未办结的差评整改 ${complaints} 件，见各事项详情的“回访”。` : '');
      results.replaceChildren(
        el('h2', {}, '办理情况'),
        summaryTable(data),
        ...(busy.length ? [
          el('h2', {}, '图表'),
          active.length ? countsChart(active)
            : el('p', { class: 'hint' }, '这段时间没有开始的办事；下面是这段时间办结的审核、回访和仍未办结的差评整改。'),
          el('h2', {}, '各事项详情'),
          ...busy.map((p) => detail(p, busy.length === 1)),
        ] : [el('p', { class: 'hint' }, '这段时间没有办事记录。')]));
    } catch (err) {
      if (mine !== loads) return;
      // never left on "正在统计……", whatever went wrong (an answer the page
      // cannot read, too); nor the figures and CSV of the range asked
      // before, under the dates of the one that failed
      status.textContent = '';
      results.replaceChildren();
      csv.removeAttribute('href');
      error.textContent = err instanceof ApiError ? errorText(err, '统计没有成功，请检查日期后再试')
        : '统计没有成功，请检查网络后再试。';
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  await load();
}

start();
offerNewerBuild(import.meta.url);
