// The rolled-up tree: rows, columns and every figure's text come from the server (/api/tree);
// the page only draws them, folds rows and picks one as the grid's filter.
import { S, ROW } from './state.js';
import { api, qs } from './server.js';
import { $, el, status, errorText } from './ui.js';

const NAME_W = 340;
let onPick = () => {};

/** What picking a tree row does (set by main.js: filter the grid). */
export function setPickHandler(f) { onPick = f; }

function widths() {
  return [NAME_W].concat(S.tree.columns.map(c => c.key === 'rate' ? 84 : c.key === 'change' ? 132 : 124));
}
function template() { return widths().map(w => w + 'px').join(' '); }

export async function loadTree() {
  const t = await api('GET', '/api/tree?' + qs({ view: S.view, money: S.money }));
  S.tree = t;
  S.rowByKey = new Map();
  S.rowByKey.set('total', t.total);
  for (const r of t.rows) S.rowByKey.set(r.key, r);
  computeVisible();
  renderTreeHead();
  renderTree();
  $('tree-count').textContent = `${t.rows.length} 行`;
}

/** Applies the rows an edit changed (the server sends them); false when the tree must be read again. */
export function applyTreeDelta(delta) {
  if (!S.tree || !delta || delta.view !== S.tree.view || delta.reload) return false;
  const touched = new Set();
  if (delta.total) { S.tree.total = delta.total; S.rowByKey.set('total', delta.total); touched.add('total'); }
  for (const r of delta.rows) {
    const old = S.rowByKey.get(r.key);
    if (!old) return false;
    Object.assign(old, r);
    touched.add(r.key);
  }
  renderTree();
  // A short highlight on the subtotals that moved (Web Animations: no forced layout).
  for (const e of document.querySelectorAll('#tree .row')) {
    if (touched.has(e.dataset.key) && e.animate) e.animate([{ backgroundColor: '#fff3bf' }, { backgroundColor: 'transparent' }], 700);
  }
  return true;
}

export function computeVisible() {
  const out = [];
  let skipBelow = Infinity;
  const rows = S.tree.rows;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.level > skipBelow) continue;
    skipBelow = Infinity;
    out.push(r);
    const hasKids = i + 1 < rows.length && rows[i + 1].level > r.level;
    r._kids = hasKids;
    if (hasKids && S.collapsed.has(r.key)) skipBelow = r.level;
  }
  S.visible = out;
  $('tree-space').style.height = (out.length * ROW) + 'px';
}

export function renderTreeHead() {
  const h = $('tree-head');
  h.style.gridTemplateColumns = template();
  h.replaceChildren();
  const first = el('div', 'frozen', S.tree.nameTitle);
  h.appendChild(first);
  for (const c of S.tree.columns) h.appendChild(el('div', '', c.title));
  $('tree-title').textContent = `${S.tree.title}　单位：${S.tree.moneyTitle}`;
}

function rowElement(r, tpl) {
  const div = el('div', 'row ' + (r.key === 'total' ? 'total' : 'l' + Math.min(r.level, 2)) + (S.picked === r.key ? ' picked' : ''));
  div.style.gridTemplateColumns = tpl;
  div.dataset.key = r.key;
  const name = el('div', 'name frozen');
  name.style.paddingLeft = (8 + r.level * 18) + 'px';
  name.appendChild(el('span', 'tog', r._kids ? (S.collapsed.has(r.key) ? '▸' : '▾') : ''));
  if (r.code) name.appendChild(el('span', 'code', r.code));
  name.appendChild(el('span', '', r.name));
  name.title = (r.code ? r.code + ' ' : '') + r.name;
  div.appendChild(name);
  for (const text of r.cells) div.appendChild(el('div', 'num' + (text.startsWith('-') ? ' neg' : ''), text));
  return div;
}

/** Draws the pinned 合计 row and the rows in view (a virtual list: a few dozen elements for any size). */
export function renderTree() {
  if (!S.tree) return;
  const tpl = template();
  $('tree-total').replaceChildren(rowElement(S.tree.total, tpl));
  const box = $('tree');
  const start = Math.max(0, Math.floor(box.scrollTop / ROW) - 5);
  const end = Math.min(S.visible.length, start + Math.ceil(box.clientHeight / ROW) + 12);
  const holder = $('tree-rows');
  holder.style.transform = `translateY(${start * ROW}px)`;
  const frag = document.createDocumentFragment();
  for (let i = start; i < end; i++) frag.appendChild(rowElement(S.visible[i], tpl));
  holder.replaceChildren(frag);
}
S.renderTree = renderTree;

function treeClick(ev) {
  const rowEl = ev.target.closest('.row');
  if (!rowEl) return;
  const key = rowEl.dataset.key;
  const r = S.rowByKey.get(key);
  if (!r) return;
  if (ev.target.classList.contains('tog') && r._kids) {
    if (S.collapsed.has(key)) S.collapsed.delete(key); else S.collapsed.add(key);
    computeVisible(); renderTree(); return;
  }
  pickTreeRow(key);
}

export function pickTreeRow(key) {
  const r = S.rowByKey.get(key);
  if (!r) return;
  S.picked = key === 'total' && S.view !== 'project' ? null : key;
  onPick(r.filter || {}, key === 'total' ? (S.view === 'project' ? '全部项目支出' : '全部') : ((r.code ? r.code + ' ' : '') + r.name));
  renderTree();
}

export function scheduleTreeReload(ms) {
  clearTimeout(scheduleTreeReload.timer);
  scheduleTreeReload.timer = setTimeout(() => loadTree().catch(e => status(errorText(e), true)), ms);
}

export function wireTree() {
  const tree = $('tree');
  tree.addEventListener('scroll', () => requestAnimationFrame(renderTree));
  tree.addEventListener('click', treeClick);
  tree.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const list = [S.tree.total].concat(S.visible);
      const i = Math.max(0, list.findIndex(r => r.key === (S.picked || 'total')));
      const j = Math.max(0, Math.min(list.length - 1, i + (ev.key === 'ArrowDown' ? 1 : -1)));
      pickTreeRow(list[j].key);
    }
  });
  $('expand-all').onclick = () => { S.collapsed.clear(); computeVisible(); renderTree(); };
  $('collapse-all').onclick = () => {
    S.collapsed = new Set(S.tree.rows.filter(r => r.level === 0).map(r => r.key)); computeVisible(); renderTree();
  };
}
