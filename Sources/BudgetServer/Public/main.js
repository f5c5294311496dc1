// 部门预算编制工作台: the page's entry. Plain JavaScript modules, no libraries. The server does
// the budget's arithmetic and formatting; these modules draw what it says and send what the clerk
// does: state (shared state), server (requests and intentions), tree, grid, panels (checks,
// history, narrative), tables (the disclosure tables and the print view), ui (small helpers).
import { S, POLL_MS } from './state.js';
import { api, sessionID } from './server.js';
import { $, status, errorText } from './ui.js';
import { loadTree, renderTree, renderTreeHead, wireTree, setPickHandler, pickTreeRow } from './tree.js';
import { reloadGrid, renderGrid, renderGridHead, setFilter, wireGrid, resetDraft, updateUndoButtons, itemAt } from './grid.js';
import { wirePanels, scheduleHistory, foldPanel } from './panels.js';
import { wireTables, tableSetName } from './tables.js';
import { wireSheets } from './sheets.js';

// ---------- live changes from others ----------
let pollFailures = 0;
async function poll() {
  try {
    const ch = await api('GET', '/api/changes?since=' + S.last + '&money=' + S.money);
    pollFailures = 0;
    $('sync').className = '';
    if (ch.last !== S.last) {
      S.last = ch.last;
      if (ch.reload) { await reloadGrid(); await loadTree(); }
      else {
        let structural = ch.removed.length > 0;
        for (const it of ch.items) {
          let found = false;
          for (const page of S.pages.values()) { const i = page.findIndex(x => x.id === it.id); if (i >= 0) { page[i] = it; found = true; } }
          if (!found) structural = true;
        }
        if (structural) await reloadGrid(); else renderGrid();
        await loadTree();
      }
    }
  } catch (e) {
    pollFailures++;
    $('sync').className = 'off';
    if (pollFailures === 3) status(errorText(e), true);
  }
  setTimeout(poll, POLL_MS);
}

// ---------- start ----------
function askAuthor(force) {
  const saved = localStorage.getItem('budgetAuthor') || '';
  S.author = saved;
  $('author-name').textContent = saved || '—';
  if (saved && !force) return;
  const dlg = $('author-dialog'), input = $('author-input');
  input.value = saved;
  dlg.hidden = false;
  input.focus();
}

async function switchView(v) {
  S.view = v;
  S.collapsed.clear();
  S.picked = null;
  for (const b of document.querySelectorAll('#views button')) b.classList.toggle('on', b.dataset.view === v);
  $('tree').scrollTop = 0;
  await loadTree();
  await setFilter(v === 'project' ? { kind: '项目支出' } : {}, v === 'project' ? '全部项目支出' : '全部');
}

async function setMoney(m) {
  S.money = m;
  localStorage.setItem('budgetMoney', m);
  $('unit-yuan').classList.toggle('on', m === 'yuan');
  $('unit-wan').classList.toggle('on', m === 'wan');
  renderGridHead();
  if (S.tree) await Promise.all([loadTree(), reloadGrid()]);
}

function wire() {
  wireTree();
  wireGrid();
  wirePanels();
  wireTables();
  wireSheets();
  setPickHandler((filter, label) => setFilter(filter, label));
  S.onSelect = scheduleHistory;
  for (const b of document.querySelectorAll('#views button')) b.onclick = () => switchView(b.dataset.view);
  $('unit-yuan').onclick = () => setMoney('yuan');
  $('unit-wan').onclick = () => setMoney('wan');
  $('btn-author').onclick = () => askAuthor(true);
  $('clear-filter').onclick = () => { S.picked = null; renderTree(); setFilter({}, '全部'); };
  $('author-form').onsubmit = (ev) => {
    ev.preventDefault();
    const v = $('author-input').value.trim();
    if (!v) return;
    localStorage.setItem('budgetAuthor', v);
    S.author = v;
    $('author-name').textContent = v;
    $('author-dialog').hidden = true;
    $('grid').focus();
  };
  window.addEventListener('resize', () => { renderTree(); foldPanel(); });
}

async function start() {
  const url = new URL(location.href);
  const tok = url.searchParams.get('token');
  if (tok) { sessionStorage.setItem('budgetToken', tok); url.searchParams.delete('token'); history.replaceState(null, '', url.pathname); }
  S.token = sessionStorage.getItem('budgetToken') || '';
  S.session = sessionID();
  S.money = localStorage.getItem('budgetMoney') === 'wan' ? 'wan' : 'yuan';
  wire();
  try {
    S.meta = await api('GET', '/api/meta');
  } catch (e) { status(errorText(e), true); return; }
  S.last = S.meta.last;
  $('dept').textContent = S.meta.department;
  $('year').textContent = `${S.meta.year} 年部门预算` + (S.meta.priorYear ? `（对比 ${S.meta.priorYear} 年）` : '');
  document.title = `${S.meta.department} ${S.meta.year} 年预算 — 编制工作台`;
  document.querySelector('#top .title').title = `${S.meta.department} ${$('year').textContent}`;
  const exp = $('btn-export');
  if (S.token) exp.href = '/api/export?token=' + encodeURIComponent(S.token);
  if (S.meta.tableSet) {
    exp.title = `导出${tableSetName()}（XLSX）：${S.meta.tableSet.title}`;
    $('btn-tables').title = `${tableSetName()}（${S.meta.tableSet.title}）：点格子看它由哪些明细组成`;
  }
  if (!S.meta.exportAvailable) { exp.classList.add('disabled'); exp.title = '导出模块尚未接入'; }
  $('unit-yuan').classList.toggle('on', S.money === 'yuan');
  $('unit-wan').classList.toggle('on', S.money === 'wan');
  resetDraft();
  renderGridHead();
  updateUndoButtons();
  foldPanel();
  await Promise.all([loadTree(), reloadGrid()]);
  document.body.dataset.ready = '1';
  // For the speed run only (navigation start → tree and grid drawn); the clerk is not shown it.
  document.body.dataset.firstScreenMs = performance.now().toFixed(1);
  status('方向键移动，直接输入即改写，F2 编辑，Shift+方向键选区域，Ctrl+Z 撤销，Ctrl+F 搜索');
  askAuthor(false);
  if (S.author) $('grid').focus();
  setTimeout(poll, POLL_MS);
}

// Tests and the console reach these through window.__budget.
Object.assign(S, { pickTreeRow, reloadGrid, itemAt, renderTreeHead });
document.addEventListener('DOMContentLoaded', start);
