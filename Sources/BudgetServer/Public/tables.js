// The thirteen disclosure tables as printed (万元, from /api/tables): a view where a cell leads to
// the lines it sums, and the print view (the summary tree or the tables, one per page).
import { S } from './state.js';
import { api, qs } from './server.js';
import { $, el, status, errorText } from './ui.js';
import { setFilter } from './grid.js';
import { renderTree } from './tree.js';

async function ensureTables(force) {
  if (!S.tables || force) S.tables = await api('GET', '/api/tables');
  const pick = $('table-pick');
  if (pick.options.length !== S.tables.length) {
    pick.replaceChildren(...S.tables.map(t => { const o = el('option', '', t.sheetName); o.value = t.key; return o; }));
  }
  return S.tables;
}

/** One table as HTML: its label, title, department and unit lines, the header as printed, the body. */
export function tableElement(t, clickable) {
  const wrap = el('div', 'dtable' + (t.landscape ? ' landscape' : ''));
  wrap.dataset.table = t.key;
  wrap.appendChild(el('div', 'dlabel', t.label));
  wrap.appendChild(el('div', 'dtitle', t.title));
  const sub = el('div', 'dsub');
  sub.appendChild(el('span', '', t.department));
  sub.appendChild(el('span', '', t.unitLine));
  wrap.appendChild(sub);
  const table = el('table');
  const thead = el('thead');
  for (const hr of t.header) {
    const tr = el('tr');
    for (const h of hr) {
      const th = el('th', '', h.text);
      if (h.colspan > 1) th.colSpan = h.colspan;
      if (h.rowspan > 1) th.rowSpan = h.rowspan;
      tr.appendChild(th);
    }
    thead.appendChild(tr);
  }
  table.appendChild(thead);
  const tbody = el('tbody');
  t.rows.forEach((r, i) => {
    const tr = el('tr', 's-' + r.style);
    tr.dataset.row = i;
    r.cells.forEach((c, j) => {
      const kind = t.kinds[j];
      const td = el('td', kind === 'amount' ? 'amt' : kind === 'code' ? 'code' : '', c.text);
      td.dataset.col = t.columns[j];
      if (clickable && c.ref) {
        td.classList.add('ref');
        td.title = '点击：下方列出组成这个数的明细';
        td.onclick = () => pickCell(t, i, j, c.ref);
      }
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  });
  table.appendChild(tbody);
  wrap.appendChild(table);
  if (t.emptyNote) wrap.appendChild(el('div', 'dnote', t.emptyNote));
  return wrap;
}

function pickCell(t, row, col, ref) {
  mark([{ table: t.key, row, column: t.columns[col] }]);
  const name = t.rows[row].cells.filter((c, j) => t.kinds[j] !== 'amount' && c.text).map(c => c.text).join(' ');
  S.picked = null;
  renderTree();
  setFilter({ cell: ref }, `${t.sheetName} · ${name || '第 ' + (row + 1) + ' 行'} · ${t.rows[row].cells[col].text} 万元`);
}

function renderTable(key) {
  const t = S.tables.find(x => x.key === key) || S.tables[0];
  $('table-pick').value = t.key;
  $('table-box').replaceChildren(tableElement(t, true));
  S.shownTable = t.key;
}

/** Highlights cells (the first one is scrolled to). */
function mark(cells) {
  for (const e of document.querySelectorAll('#table-box .hit')) e.classList.remove('hit', 'hit-main');
  cells.forEach((c, i) => {
    const tr = document.querySelector(`#table-box tr[data-row="${c.row}"]`);
    if (!tr) return;
    const targets = c.column ? [tr.querySelector(`td[data-col="${CSS.escape(c.column)}"]`)] : [tr];
    for (const td of targets) {
      if (!td) continue;
      td.classList.add('hit');
      if (i === 0) { td.classList.add('hit-main'); td.scrollIntoView({ block: 'center', inline: 'center' }); }
    }
  });
}

export async function openTables(key) {
  try {
    await ensureTables(true);
  } catch (e) { status(errorText(e), true); return; }
  $('tree-pane').hidden = true;
  $('sheets-pane').hidden = true;
  $('tables-pane').hidden = false;
  renderTable(key || S.shownTable || S.tables[0].key);
}

/** Shows a finding's cells in their table. */
export async function showCell(cells) {
  await openTables(cells[0].table);
  mark(cells);
}

function closeTables() {
  $('tables-pane').hidden = true;
  $('tree-pane').hidden = false;
  renderTree();
}

// ---------- print view ----------
async function treeForPrint() {
  const t = await api('GET', '/api/tree?' + qs({ view: S.view, money: S.money }));
  const wrap = el('div', 'dtable print-tree');
  wrap.appendChild(el('div', 'dtitle', `${S.meta.department} ${S.meta.year} 年预算　${t.title}`));
  const sub = el('div', 'dsub');
  sub.appendChild(el('span', '', `部门名称：${S.meta.department}`));
  sub.appendChild(el('span', '', `单位：${t.moneyTitle}`));
  wrap.appendChild(sub);
  const table = el('table');
  const head = el('tr');
  head.appendChild(el('th', '', t.nameTitle));
  for (const c of t.columns) head.appendChild(el('th', '', c.title));
  const thead = el('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  const tbody = el('tbody');
  for (const r of [t.total].concat(t.rows)) {
    const tr = el('tr', r.key === 'total' ? 's-total' : 's-level' + Math.min(r.level + 1, 3));
    const name = el('td', 'name', (r.code ? r.code + '　' : '') + r.name);
    name.style.paddingLeft = (4 + r.level * 14) + 'px';
    tr.appendChild(name);
    for (const c of r.cells) tr.appendChild(el('td', 'amt', c));
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
  wrap.appendChild(table);
  return [wrap];
}

/** The printable width of an A4 landscape page in CSS pixels (96 per inch), less 10 mm margins. */
const PAGE_W = Math.floor((297 - 20) / 25.4 * 96);

/** `13 张公开表`: how many tables the server's set has (its title in the tooltip). */
export function tableSetName() {
  const t = S.meta.tableSet;
  return t ? `${t.count} 张公开表` : '公开表';
}

async function showPrint(what) {
  const box = $('print-view');
  const bar = el('div', 'print-bar');
  const b1 = el('button', what === 'tree' ? 'on' : '', '汇总表（当前视图）');
  const b2 = el('button', what === 'tables' ? 'on' : '', tableSetName());
  const go = el('button', 'primary', '打印');
  const close = el('button', '', '关闭');
  b1.onclick = () => showPrint('tree');
  b2.onclick = () => showPrint('tables');
  go.id = 'print-now';
  go.onclick = () => window.print();
  close.onclick = () => { box.hidden = true; document.body.classList.remove('printing'); };
  bar.append(b1, b2, go, close, el('span', 'muted', '每张表从新的一页开始；打印设置里可选“另存为 PDF”。'));
  box.replaceChildren(bar, el('p', 'muted', '正在准备…'));
  box.hidden = false;
  document.body.classList.add('printing');
  try {
    const pages = what === 'tree' ? await treeForPrint() : (await ensureTables(true)).map(t => tableElement(t, false));
    const content = el('div', 'print-pages');
    content.append(...pages);
    box.replaceChildren(bar, content);
    // One page size (A4 landscape) and one scale for every page, so the type size does not jump
    // from table to table: the widest table sets it. The view previews it.
    const scale = Math.min(1, ...pages.map(e => PAGE_W / e.scrollWidth));
    for (const e of pages) e.style.zoom = scale;
    S.printScale = scale;
    S.printReady = what;
  } catch (e) { box.replaceChildren(bar, el('p', 'problem', errorText(e))); }
}

export function wireTables() {
  $('btn-tables').onclick = () => ($('tables-pane').hidden ? openTables() : closeTables());
  $('tables-close').onclick = closeTables;
  $('table-pick').onchange = () => renderTable($('table-pick').value);
  $('btn-print').onclick = () => showPrint($('tables-pane').hidden ? 'tree' : 'tables');
  S.showPrint = showPrint;
}
