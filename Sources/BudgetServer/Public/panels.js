// The side panel: the checks (grouped, in the tables' words, each leading to its lines or its
// table cell), a line's history, the narrative (with a copy button). At a narrow desk (1366 px)
// the panel is folded away by default, so the grid's amount column stays in view.
import { S } from './state.js';
import { api } from './server.js';
import { $, el, toast, status, errorText } from './ui.js';
import { setFilter, itemAt } from './grid.js';
import { renderTree } from './tree.js';
import { showCell } from './tables.js';

/** Below this width the panel floats over the grid and starts folded. */
const WIDE = 1600;

let folded = null;   // null: follow the window's width; true/false: the clerk chose
export function foldPanel(fold) {
  if (fold !== undefined) folded = fold;
  const narrow = window.innerWidth < WIDE;
  const closed = folded === null ? narrow : folded;
  document.body.classList.toggle('side-folded', closed);
  document.body.classList.toggle('side-floating', narrow && !closed);
  $('side-open').hidden = !closed;
}
function openPanel() { foldPanel(false); }

export function showTab(name) {
  openPanel();
  for (const b of document.querySelectorAll('#side-tabs button[data-tab]')) b.classList.toggle('on', b.dataset.tab === name);
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('on', t.id === 'tab-' + name);
  if (name === 'history') loadHistory();
}

// ---------- checks ----------
/** Leads from a finding to its lines (the grid) and its table cell (the tables view). */
function lead(m) {
  if (m.lines) { S.picked = null; renderTree(); setFilter(m.lines, m.linesLabel || '审核'); }
  if (m.cells && m.cells.length) showCell(m.cells);
  if (!m.lines && !(m.cells && m.cells.length)) status('这一条没有对应的明细或表格');
  // At a narrow desk the panel gets out of the way of what it led to.
  if (window.innerWidth < WIDE) foldPanel(true);
}

function memberElement(m) {
  const d = el('div', 'member' + (m.lines || (m.cells && m.cells.length) ? ' leads' : ''));
  d.appendChild(el('div', 'where', m.text));
  if (m.figures) d.appendChild(el('div', 'figs', m.figures));
  d.onclick = (ev) => { ev.stopPropagation(); lead(m); };
  d.title = m.lines ? '点击：下方列出涉及的明细' + (m.cells.length ? '，并在公开表中标出' : '') : '点击：在公开表中标出';
  return d;
}

export async function runChecks() {
  showTab('checks');
  const box = $('tab-checks');
  box.replaceChildren(el('p', 'muted', '正在审核…'));
  try {
    const res = await api('GET', '/api/checks');
    S.checks = res;
    box.replaceChildren();
    const n = res.errors + res.warnings + res.infos;
    if (!n) { box.appendChild(el('p', 'ok', `审核通过：${res.source}没有发现问题。`)); return; }
    box.appendChild(el('p', 'summary', `${res.source}：${res.errors} 个错误，${res.warnings} 个警告，${res.infos} 条提示。点一条查看涉及的明细和表格。`));
    for (const g of res.groups) {
      const d = el('div', 'problem ' + g.severity);
      const head = el('div', 'ghead');
      head.appendChild(el('span', 'sev', `【${g.severityName}】`));
      head.appendChild(el('span', 'gtitle', g.title));
      if (g.count > 1) head.appendChild(el('span', 'count', `${g.count} 处`));
      d.appendChild(head);
      const list = el('div', 'members');
      const shown = g.count > 3 ? 0 : g.count;
      g.members.forEach((m, i) => { const e = memberElement(m); if (i >= shown && g.count > 3) e.hidden = true; list.appendChild(e); });
      d.appendChild(list);
      if (g.count > 3) {
        const more = el('button', 'small more', `展开 ${g.count} 处`);
        more.onclick = (ev) => {
          ev.stopPropagation();
          const open = more.dataset.open !== '1';
          for (const e of list.children) e.hidden = !open;
          more.dataset.open = open ? '1' : '0';
          more.textContent = open ? '收起' : `展开 ${g.count} 处`;
        };
        d.appendChild(more);
      } else if (g.count === 1) {
        d.onclick = () => lead(g.members[0]);
      }
      box.appendChild(d);
    }
    for (const o of res.omitted) box.appendChild(el('p', 'muted', o));
  } catch (e) { box.replaceChildren(el('p', 'problem', errorText(e))); }
}

// ---------- history ----------
let historyTimer = null;
export function scheduleHistory() {
  clearTimeout(historyTimer);
  if (!$('tab-history').classList.contains('on') || document.body.classList.contains('side-folded')) return;
  historyTimer = setTimeout(loadHistory, 150);
}
/** A history entry's field names: the grid's column titles from the server (`amountText` is the amount as typed). */
function fieldNames() {
  const out = {};
  for (const c of S.meta.gridColumns) {
    if (c.kind === 'id') continue;
    out[c.key === 'amount' ? 'amountText' : c.key] = c.title.replace(/（[^）]*）$/, '');
  }
  return out;
}
async function loadHistory() {
  const box = $('tab-history');
  const item = itemAt(S.sel.r);
  if (!item || !item.id) { box.replaceChildren(el('p', 'muted', '选中一行明细，查看它的修改记录。')); return; }
  try {
    const log = await api('GET', `/api/items/${item.id}/history?money=${S.money}`);
    box.replaceChildren(el('p', '', `明细 #${item.id} 的修改记录（${log.length} 条）`));
    if (!log.length) box.appendChild(el('p', 'muted', '载入工作区以来没有修改过。'));
    for (const c of log.slice().reverse()) {
      const d = el('div', 'change');
      d.appendChild(el('div', 'when', `${c.at.replace('T', ' ').slice(0, 19)}　${c.author}　${{ add: '新增', set: '修改', rm: '删除' }[c.action] || c.action}`));
      const ul = el('ul');
      const FIELD_NAMES = fieldNames();
      for (const k of Object.keys(FIELD_NAMES)) {
        const a = c.before ? c.before[k] : undefined, b = c.after ? c.after[k] : undefined;
        if ((a || '') === (b || '')) continue;
        const f = v => v === undefined || v === null || v === '' ? '（空）' : String(v);
        ul.appendChild(el('li', '', c.before && c.after ? `${FIELD_NAMES[k]}：${f(a)} → ${f(b)}` : `${FIELD_NAMES[k]}：${f(a !== undefined ? a : b)}`));
      }
      d.appendChild(ul);
      box.appendChild(d);
    }
  } catch (e) { box.textContent = errorText(e); }
}

// ---------- narrative ----------
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    // Off localhost (a shared office address over http) the clipboard API is not offered.
    const ta = el('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

export async function showNarrative() {
  showTab('narrative');
  const box = $('tab-narrative');
  box.replaceChildren(el('p', 'muted', '正在生成…'));
  try {
    const text = await api('GET', '/api/narrative');
    S.narrative = text;
    const bar = el('div', 'tab-bar');
    const copy = el('button', 'small', '复制全文');
    copy.id = 'copy-narrative';
    copy.onclick = async () => {
      const ok = await copyText(text);
      if (ok) { status(`已复制说明全文（${text.length} 字），可粘贴到 Word`); toast('已复制说明全文'); }
      else toast('无法复制：请选中文字后按 Ctrl+C', true);
    };
    bar.appendChild(copy);
    bar.appendChild(el('span', 'muted', '　也可选中一段后 Ctrl+C'));
    box.replaceChildren(bar, el('div', 'narr', text));
  } catch (e) { box.replaceChildren(el('p', 'problem', errorText(e))); }
}

export function wirePanels() {
  S.foldPanel = foldPanel;
  $('btn-checks').onclick = runChecks;
  $('btn-narrative').onclick = showNarrative;
  for (const b of document.querySelectorAll('#side-tabs button[data-tab]')) b.onclick = () => showTab(b.dataset.tab);
  $('side-fold').onclick = () => foldPanel(true);
  $('side-open').onclick = () => foldPanel(false);
}
