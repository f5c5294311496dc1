// The line-item grid, as Excel is used: arrows, typing replaces, F2 edits, Enter and Tab move,
// Shift selects a range, Ctrl+C / Ctrl+V copy and paste blocks. Its columns come from the server
// (/api/meta); every edit goes to the server as an intention, which parses the text, checks the
// line, writes it and answers with the line and the tree rows it changed.
import { S, ROW, PAGE } from './state.js';
import { api, qs, intend } from './server.js';
import { $, el, toast, status, figures, errorText } from './ui.js';
import { applyTreeDelta, loadTree, scheduleTreeReload } from './tree.js';

/** The columns that stay put when the grid scrolls right (# and 预算单位), as Excel's frozen panes. */
const FROZEN = 2;

const cols = () => S.meta.gridColumns;
const colIndex = (key) => cols().findIndex(c => c.key === key);
const template = () => cols().map(c => c.width + 'px').join(' ');
function leftOf(c) { let x = 0; for (let i = 0; i < c; i++) x += cols()[i].width; return x; }

// ---------- the new-line row ----------
/** The texts the new-line row starts with: what the picked tree row stands for (a UI default, not a rule). */
export function resetDraft() {
  const f = S.filter, units = S.meta.units, m = S.meta.gridColumns;
  const opt = (key) => (m.find(c => c.key === key).options || [])[0] || '';
  const lineCode = (key) => f[key] && f[key].length === m.find(c => c.key === key).codeLength ? f[key] : '';
  S.draft = {
    unit: f.unit || (units[0] ? units[0].code : ''),
    function: lineCode('function'),
    economic: lineCode('economic'),
    source: f.source || opt('source'), carryover: f.carryover || opt('carryover'),
    kind: f.kind || (f.project ? '项目支出' : opt('kind')),
    project: f.project || '', amount: '', memo: '',
  };
  const u = units.find(x => x.code === S.draft.unit);
  const tr = S.picked && S.rowByKey.get(S.picked);
  S.draftNames = { unit: u ? u.name : '' };
  if (tr && S.draft.function && tr.code === S.draft.function) S.draftNames.function = tr.name;
  if (tr && S.draft.economic && tr.code === S.draft.economic) S.draftNames.economic = tr.name;
}
const isDraft = (r) => r === S.total;
/** The new-line row's filled fields (the server starts a new line from its own defaults). */
const draftFields = () => Object.fromEntries(Object.entries(S.draft).filter(([, v]) => v !== ''));

// ---------- loading ----------
export function setFilter(filter, label) {
  S.filter = { ...filter };
  $('grid-filter').textContent = label || '全部';
  S.sel.r = 0;
  S.anchor = null;
  resetDraft();
  $('grid').scrollTop = 0;
  return reloadGrid();
}

function query() { return { ...S.filter, q: S.search, money: S.money }; }

export async function reloadGrid() {
  S.gridGen = (S.gridGen || 0) + 1;   // answers to older requests are dropped
  S.pages.clear();
  S.pending.clear();
  await fetchPage(0);
  renderGrid();
  showFigures();
}

async function fetchPage(p) {
  if (S.pending.has(p)) return;
  S.pending.add(p);
  const gen = S.gridGen;
  try {
    const page = await api('GET', '/api/items?' + qs({ ...query(), offset: p * PAGE, limit: PAGE }));
    if (gen !== S.gridGen) return;
    S.total = page.total;
    S.sumText = page.sumText;
    S.pages.set(p, page.items);
    $('grid-space').style.height = ((S.total + 1) * ROW) + 'px';
    const filtered = Object.keys(S.filter).length > 0 || S.search;
    $('grid-count').textContent = `${filtered ? '筛选出' : '共'} ${S.total} 条`;
  } finally { if (gen === S.gridGen) S.pending.delete(p); }
}

/** Makes sure rows r0 … r1 are loaded (a paste over lines not yet scrolled to). */
async function ensureRows(r0, r1) {
  const need = [];
  for (let p = Math.floor(r0 / PAGE); p <= Math.floor(Math.min(r1, S.total - 1) / PAGE); p++) if (!S.pages.has(p)) need.push(p);
  for (const p of need) { S.pending.delete(p); await fetchPage(p); }
}

export function itemAt(r) {
  if (isDraft(r)) return null;
  const p = S.pages.get(Math.floor(r / PAGE));
  return p ? p[r % PAGE] : undefined;
}

// ---------- drawing ----------
export function renderGridHead() {
  const h = $('grid-head');
  h.style.gridTemplateColumns = template();
  h.replaceChildren();
  cols().forEach((c, i) => {
    const d = el('div', i < FROZEN ? 'frozen' : '', c.kind === 'amount' ? `${c.title}（${S.money === 'wan' ? '万元' : '元'}）` : c.title);
    if (i < FROZEN) d.style.left = leftOf(i) + 'px';
    h.appendChild(d);
  });
}

function cellText(item, c) {
  const col = cols()[c];
  switch (col.key) {
    case 'id': return String(item.id);
    case 'unit': return item.unit ? item.unit + '  ' + (item.unitName || '') : '';
    case 'function': return item.function ? item.function + '  ' + (item.functionName || '') : '';
    case 'economic': return item.economic ? item.economic + '  ' + (item.economicName || '') : '';
    case 'project': return item.project ? item.project + '  ' + (item.projectName || '') : '';
    case 'amount': return item.amountText;
    default: return item[col.key] || '';
  }
}
function draftText(c) {
  const col = cols()[c];
  if (col.key === 'id') return '＋';
  const v = S.draft[col.key] || '';
  if (col.kind === 'code' && v) return v + '  ' + (S.draftNames[col.key] || '');
  return v;
}
/** The text a cell is copied as (an amount without separators, a code without its name); edited
 *  (`forEdit`), a computed amount is its basis `=…`, as Excel edits a formula. */
function rawValue(item, c, forEdit) {
  const col = cols()[c];
  if (!item) return S.draft[col.key] || '';
  if (col.key === 'amount') return forEdit && item.basis ? '=' + item.basis : item.amountInput;
  return item[col.key] == null ? '' : String(item[col.key]);
}

function range() {
  const a = S.anchor || S.sel;
  return { r0: Math.min(a.r, S.sel.r), r1: Math.max(a.r, S.sel.r), c0: Math.min(a.c, S.sel.c), c1: Math.max(a.c, S.sel.c) };
}
const inRange = (g, r, c) => r >= g.r0 && r <= g.r1 && c >= g.c0 && c <= g.c1;

export function renderGrid() {
  if (!S.meta) return;
  const box = $('grid');
  const tpl = template();
  const n = S.total + 1;
  const start = Math.max(0, Math.floor(box.scrollTop / ROW) - 5);
  const end = Math.min(n, start + Math.ceil(box.clientHeight / ROW) + 12);
  const holder = $('grid-rows');
  holder.style.transform = `translateY(${start * ROW}px)`;
  const frag = document.createDocumentFragment();
  const want = new Set();
  const g = range(), multi = !!S.anchor;
  const lefts = cols().map((_, i) => leftOf(i));
  for (let r = start; r < end; r++) {
    const item = itemAt(r), draft = isDraft(r);
    const div = el('div', 'row' + (draft ? ' draft' : '') + (!item && !draft ? ' loading' : '') + (r === S.sel.r ? ' rowsel' : ''));
    div.style.gridTemplateColumns = tpl;
    div.dataset.r = r;
    for (let c = 0; c < cols().length; c++) {
      const col = cols()[c];
      const d = el('div', 'cell' + (col.kind === 'amount' || col.kind === 'id' ? ' num' : '') + (c < FROZEN ? ' frozen' : '')
        + (r === S.sel.r && c === S.sel.c ? ' sel' : '') + (multi && inRange(g, r, c) ? ' insel' : ''));
      if (c < FROZEN) d.style.left = lefts[c] + 'px';
      d.dataset.c = c;
      if (draft) {
        d.textContent = draftText(c);
        if (col.key === 'function' && !S.draft.function) { d.textContent = '在这一行输入新明细…'; d.classList.add('hint-cell'); }
      } else if (item) {
        d.textContent = item._pending && item._pending[col.key] !== undefined ? item._pending[col.key] : cellText(item, c);
        if (item._pending && item._pending[col.key] !== undefined) d.classList.add('pending');
        if (col.kind !== 'amount' && d.textContent.length > 8) d.title = d.textContent;
        // A computed amount is marked (ƒ and a tint), its basis the tooltip; a line that just moved
        // with an edit of what it reads is tinted until the next step.
        if (col.kind === 'amount' && item.basis) { d.classList.add('computed'); d.title = '测算依据：=' + item.basis; }
        if (col.kind === 'amount' && S.movedIds && S.movedIds.has(item.id)) d.classList.add('moved');
      } else { d.textContent = c === 0 ? '…' : ''; want.add(Math.floor(r / PAGE)); }
      div.appendChild(d);
    }
    frag.appendChild(div);
  }
  holder.replaceChildren(frag);
  updateFormulaBar();
  for (const p of want) {
    if (S.pending.has(p) || S.pages.has(p)) continue;
    fetchPage(p).then(() => requestAnimationFrame(renderGrid)).catch(e => status(errorText(e), true));
  }
  positionEditor();
}
S.renderGrid = renderGrid;

function scrollToSel() {
  const box = $('grid');
  const top = S.sel.r * ROW, headH = ROW;
  if (top < box.scrollTop) box.scrollTop = top;
  else if (top + ROW > box.scrollTop + box.clientHeight - headH) box.scrollTop = top + ROW + headH - box.clientHeight;
  if (S.sel.c < FROZEN) return;
  const frozenW = leftOf(FROZEN);
  const x = leftOf(S.sel.c), w = cols()[S.sel.c].width;
  if (x - frozenW < box.scrollLeft) box.scrollLeft = x - frozenW;
  else if (x + w > box.scrollLeft + box.clientWidth) box.scrollLeft = x + w - box.clientWidth;
}

export function moveSel(dr, dc, extend) {
  const n = S.total + 1;
  if (extend) { if (!S.anchor) S.anchor = { ...S.sel }; } else S.anchor = null;
  S.sel.r = Math.max(0, Math.min(n - 1, S.sel.r + dr));
  S.sel.c = Math.max(1, Math.min(cols().length - 1, S.sel.c + dc));
  scrollToSel();
  renderGrid();
  showFigures();
  S.onSelect && S.onSelect();
}

/** Puts the cursor on a cell (the new-line row is row S.total). */
export function select(r, c) {
  S.anchor = null;
  S.sel = { r, c };
  scrollToSel();
  renderGrid();
  showFigures();
}

// ---------- the status bar's figures ----------
let figTimer = null;
/** The count and sum of the selected cells (as Excel shows them), or of the filtered lines. */
export function showFigures() {
  clearTimeout(figTimer);
  const unit = S.money === 'wan' ? '万元' : '元';
  if (!S.anchor) {
    const filtered = Object.keys(S.filter).length > 0 || S.search;
    figures(`${filtered ? '筛选出' : '共'} ${S.total} 条　金额合计 ${S.sumText || '0.00'} ${unit}`);
    return;
  }
  const g = range();
  const last = Math.min(g.r1, S.total - 1);
  const rows = Math.max(0, last - g.r0 + 1);
  const amountCol = colIndex('amount');
  const cells = rows * (g.c1 - g.c0 + 1);
  if (rows === 0) { figures(''); return; }
  if (g.c0 > amountCol || g.c1 < amountCol) { figures(`已选 ${rows} 行 × ${g.c1 - g.c0 + 1} 列　计数 ${cells}`); return; }
  figTimer = setTimeout(async () => {
    try {
      const s = await api('GET', '/api/sum?' + qs({ ...query(), offset: g.r0, limit: rows }));
      figures(`已选 ${rows} 行 × ${g.c1 - g.c0 + 1} 列　计数 ${cells}　求和 ${s.text} ${s.moneyTitle}`);
    } catch (e) { status(errorText(e), true); }
  }, 80);
}

// ---------- editing ----------
export function beginEdit(mode, initial) {
  const r = S.sel.r, item = itemAt(r);
  if ((!item && !isDraft(r)) || cols()[S.sel.c].kind === 'id') return;
  const ed = $('editor');
  S.edit = { r, c: S.sel.c, mode, picks: [], pickIndex: -1 };
  ed.value = mode === 'type' ? initial : rawValue(item, S.sel.c, true);
  ed.className = cols()[S.sel.c].kind === 'amount' ? 'num' : '';
  ed.hidden = false;
  positionEditor();
  ed.focus();
  if (mode === 'f2') ed.setSelectionRange(ed.value.length, ed.value.length);
  updatePicker();
}

function positionEditor() {
  if (!S.edit) return;
  const ed = $('editor'), box = $('grid');
  let x = leftOf(S.edit.c);
  if (S.edit.c < FROZEN) x += box.scrollLeft;
  const y = ROW + S.edit.r * ROW;
  ed.style.left = x + 'px'; ed.style.top = y + 'px'; ed.style.width = Math.max(cols()[S.edit.c].width, 120) + 'px';
  const pk = $('picker');
  pk.style.left = x + 'px'; pk.style.top = (y + ROW) + 'px';
}

function endEdit() {
  S.edit = null;
  $('editor').hidden = true;
  $('picker').hidden = true;
  $('grid').focus({ preventScroll: true });
}

let pickTimer = null;
function updatePicker() {
  const col = cols()[S.edit.c];
  const pk = $('picker');
  if (col.kind !== 'code' && col.kind !== 'choice') { pk.hidden = true; return; }
  const text = $('editor').value.trim();
  if (col.kind === 'choice') {
    const all = col.options;
    const hits = all.filter(o => !text || o.includes(text));
    showPicks((hits.length ? hits : all).map(o => ({ code: o, name: '', leaf: true, path: '' })));
    return;
  }
  clearTimeout(pickTimer);
  pickTimer = setTimeout(async () => {
    if (!S.edit) return;
    const item = itemAt(S.edit.r);
    const unit = item ? item.unit : S.draft.unit;
    try {
      const hits = await api('GET', '/api/codes?' + qs({ set: col.pick, q: text.split(/\s+/)[0], unit: col.pick === 'project' ? unit : '' }));
      if (S.edit) showPicks(hits);
    } catch (e) { status(errorText(e), true); }
  }, 60);
}

function showPicks(hits) {
  const pk = $('picker');
  S.edit.picks = hits;
  S.edit.pickIndex = hits.length ? 0 : -1;
  pk.replaceChildren();
  hits.forEach((h, i) => {
    const li = el('li', (i === 0 ? 'on' : '') + (h.leaf ? '' : ' nonleaf'));
    if (h.name) {
      li.appendChild(el('span', 'code', h.code));
      li.appendChild(el('span', 'pname', h.name));
      // The 类 and 款 above: `行政运行` under 人大事务 is not `行政运行` under 政协事务.
      if (h.path) li.appendChild(el('span', 'path', h.path));
    } else li.textContent = h.code;
    li.title = h.path ? `${h.code} ${h.name}（${h.path}）` : h.code;
    li.onmousedown = (ev) => { ev.preventDefault(); S.edit.pickIndex = i; commitEdit(1, 0); };
    pk.appendChild(li);
  });
  pk.hidden = hits.length === 0;
}

function movePick(d) {
  const e = S.edit;
  if (!e.picks.length) return;
  e.pickIndex = Math.max(0, Math.min(e.picks.length - 1, e.pickIndex + d));
  const lis = document.querySelectorAll('#picker li');
  lis.forEach((li, i) => li.classList.toggle('on', i === e.pickIndex));
  if (lis[e.pickIndex]) lis[e.pickIndex].scrollIntoView({ block: 'nearest' });
}

/** The text a committed editor stands for, and the name to show beside a picked code. */
function editorValue() {
  const e = S.edit, col = cols()[e.c];
  const raw = $('editor').value;
  const text = raw.trim();
  if (col.kind === 'code' || col.kind === 'choice') {
    const first = text.split(/\s+/)[0] || '';
    const exact = e.picks.find(h => h.code === first);
    if (exact) return { text: exact.code, name: exact.name };
    if (text === '') return { text: '', name: '' };
    const h = e.picks[e.pickIndex];
    if (h) return { text: h.code, name: h.name };
    return { text, name: '' };
  }
  // Amounts and memos go to the server exactly as typed: it parses them (full-width digits too).
  return { text: col.kind === 'amount' ? text : raw, name: '' };
}

async function commitEdit(dr, dc, t0) {
  const e = S.edit;
  if (!e) return;
  const v = editorValue();
  const key = cols()[e.c].key;
  endEdit();
  const saving = saveCell(e.r, key, v.text, v.name, t0 || performance.now());
  moveSel(dr, dc);
  await saving;
}

/** Sends one typed cell: a changed line, or the new-line row (added once it names its codes). */
async function saveCell(r, key, text, name, t0) {
  if (isDraft(r)) {
    S.draft[key] = text;
    S.draftNames[key] = name;
    if (key === 'kind' && text === '基本支出') { S.draft.project = ''; S.draftNames.project = ''; }
    renderGrid();
    if (!S.draft.unit || !S.draft.function || !S.draft.economic) { status('新明细：填好预算单位、功能分类、经济分类后自动保存'); return; }
    try {
      const out = await intend('add', { fields: draftFields() });
      resetDraft();
      await afterStep(out, t0);
    } catch (err) { toast(errorText(err), true); renderGrid(); }
    return;
  }
  const item = itemAt(r);
  if (!item || rawValue(item, colIndex(key), true) === text) return;
  item._pending = { ...(item._pending || {}), [key]: name ? `${text}  ${name}` : text };
  renderGrid();
  try {
    const out = await intend('set', { id: item.id, version: item.version, fields: { [key]: text } });
    await afterStep(out, t0);
  } catch (err) {
    delete item._pending;
    renderGrid();
    toast(errorText(err), true);
    if (err.status === 409) reloadGrid();
  }
}

/** Draws what a step changed: the lines (with those that moved with it), the tree rows (or the
 *  whole tree when rows came or went). Also used for the 参数, 标准 and 人员 sheets' edits. */
export async function afterStep(out, t0) {
  S.movedIds = new Set(out.moved || []);
  for (const it of out.items) replaceCached(it);
  if (!applyTreeDelta(out.tree)) scheduleTreeReload(0);
  if (t0) noteLatency(t0);
  status(out.message + (out.notes.length ? '　' + out.notes.join('；') : ''));
  if (out.notes.length) toast(out.notes.join('\n'));
  updateUndoButtons();
  if (out.added.length || out.removed.length) await reloadGrid(); else { renderGrid(); showFigures(); refreshSum(); }
  S.onSelect && S.onSelect();
}

/** The status bar's sum of the filtered lines after a step that changed amounts but no rows. */
async function refreshSum() {
  const gen = S.gridGen;
  try {
    const s = await api('GET', '/api/sum?' + qs(query()));
    if (gen !== S.gridGen) return;
    S.sumText = s.text;
    if (!S.anchor) showFigures();
  } catch (e) { status(errorText(e), true); }
}

function replaceCached(item) {
  for (const page of S.pages.values()) {
    const i = page.findIndex(x => x.id === item.id);
    if (i >= 0) page[i] = item;
  }
}

function noteLatency(t0) {
  S.domLatencies.push(performance.now() - t0);
  requestAnimationFrame(() => {
    const ms = performance.now() - t0;
    S.latencies.push(ms);
    S.lastConfirmMs = ms;
    document.body.dataset.lastEditMs = ms.toFixed(2);
  });
}

export function updateUndoButtons() {
  const u = $('undo'), r = $('redo');
  u.disabled = !S.undoLabel; r.disabled = !S.redoLabel;
  u.title = S.undoLabel ? `撤销：${S.undoLabel}（Ctrl+Z）` : '没有可撤销的操作';
  r.title = S.redoLabel ? `重做：${S.redoLabel}（Ctrl+Y）` : '没有可重做的操作';
}

async function clearCell() {
  const item = itemAt(S.sel.r);
  const col = cols()[S.sel.c];
  if (!item) { if (isDraft(S.sel.r)) saveCell(S.sel.r, col.key, '', ''); return; }
  if (col.key === 'amount') return saveCell(S.sel.r, 'amount', '0', '');
  if (col.key === 'memo' || col.key === 'project') return saveCell(S.sel.r, col.key, '', '');
  toast(`“${col.title}”不能为空；要删除整行请点“删除所选行”`, true);
}

export async function deleteRows() {
  const g = S.anchor ? range() : { r0: S.sel.r, r1: S.sel.r };
  const items = [];
  for (let r = g.r0; r <= Math.min(g.r1, S.total - 1); r++) { const it = itemAt(r); if (it) items.push(it); }
  if (!items.length) return;
  const what = items.length === 1 ? `明细 #${items[0].id}（${items[0].functionName} ${items[0].amountText}）` : `所选的 ${items.length} 行明细`;
  if (!confirm(`删除${what}？可以撤销。`)) return;
  try {
    const out = await intend('remove', { lines: items.map(i => ({ id: i.id, version: i.version })) });
    S.anchor = null;
    await afterStep(out);
  } catch (err) { toast(errorText(err), true); }
}

export async function undoRedo(op) {
  try {
    const out = await intend(op, {});
    await afterStep(out);
  } catch (err) { toast(errorText(err), true); updateUndoButtons(); }
}

// ---------- the formula bar ----------
/** Shows the selected line's amount cell as Excel's formula bar does: its basis `=…`, or the typed
 *  amount. Left alone while the clerk types in it. */
export function updateFormulaBar() {
  const fx = $('fx-input');
  if (!fx || document.activeElement === fx) return;
  const r = S.sel.r, item = itemAt(r), ref = $('fx-ref'), note = $('fx-note');
  const unit = S.money === 'wan' ? '万元' : '元';
  fx.classList.remove('computed');
  if (isDraft(r)) {
    ref.textContent = '新明细 金额';
    fx.value = S.draft.amount || '';
    note.textContent = '输入金额，或以 = 开头的测算依据';
    return;
  }
  if (!item) { ref.textContent = '—'; fx.value = ''; note.textContent = ''; return; }
  ref.textContent = `#${item.id} 金额`;
  fx.value = rawValue(item, colIndex('amount'), true);
  if (item.basis) {
    fx.classList.add('computed');
    note.textContent = `= ${item.amountText} ${unit}（由测算依据算出，按元计算）`;
  } else note.textContent = '手工填写的金额；输入 =… 改为按测算依据计算';
}

function wireFormulaBar() {
  const fx = $('fx-input');
  if (!fx) return;
  fx.addEventListener('keydown', (ev) => {
    if (ev.isComposing) return;
    if (ev.key === 'Enter') {
      ev.preventDefault();
      const r = S.sel.r, text = fx.value.trim();
      $('grid').focus({ preventScroll: true });
      saveCell(r, 'amount', text, '', performance.now());
      updateFormulaBar();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      $('grid').focus({ preventScroll: true });
      updateFormulaBar();
    }
  });
  fx.addEventListener('focus', () => { if (S.sel.c !== colIndex('amount')) { S.sel.c = colIndex('amount'); renderGrid(); } });
  fx.addEventListener('blur', () => setTimeout(updateFormulaBar, 0));
}

// ---------- copy and paste ----------
function parseTSV(text) {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  return lines.map(l => l.split('\t'));
}

async function onPaste(ev) {
  if (S.edit) return;
  const text = (ev.clipboardData || window.clipboardData).getData('text');
  if (!text) return;
  ev.preventDefault();
  const block = parseTSV(text);
  const r0 = S.sel.r;
  const lastExisting = Math.min(S.total - 1, r0 + block.length - 1);
  try {
    if (r0 < S.total) await ensureRows(r0, lastExisting);
    const lines = [];
    for (let r = r0; r <= lastExisting; r++) {
      const it = itemAt(r);
      if (!it) throw `第 ${r + 1} 行还没载入，请稍后再粘贴`;
      lines.push({ id: it.id, version: it.version });
    }
    status(`正在粘贴 ${block.length} 行…`);
    const out = await intend('paste', { column: cols()[S.sel.c].key, cells: block, lines, draft: draftFields() });
    if (out.added.length) resetDraft();
    await afterStep(out);
  } catch (err) { toast(errorText(err), true); status(errorText(err).split('\n')[0], true); }
}

function onCopy(ev) {
  if (S.edit) return;
  const g = range();
  const rows = [];
  for (let r = g.r0; r <= g.r1; r++) {
    const item = itemAt(r);
    if (item === undefined) continue;
    const cells = [];
    for (let c = g.c0; c <= g.c1; c++) cells.push(rawValue(item, c));
    rows.push(cells.join('\t'));
  }
  ev.clipboardData.setData('text/plain', rows.join('\r\n') + (rows.length > 1 ? '\r\n' : ''));
  ev.preventDefault();
  status(`已复制 ${rows.length} 行 × ${g.c1 - g.c0 + 1} 列`);
}

// ---------- keyboard and mouse ----------
function gridKey(ev) {
  if (S.edit) return;
  const k = ev.key, ctrl = ev.ctrlKey || ev.metaKey, sh = ev.shiftKey;
  if (ctrl && (k === 'z' || k === 'Z')) { ev.preventDefault(); undoRedo(sh ? 'redo' : 'undo'); return; }
  if (ctrl && (k === 'y' || k === 'Y')) { ev.preventDefault(); undoRedo('redo'); return; }
  if (ctrl && (k === 'a' || k === 'A')) { ev.preventDefault(); S.anchor = { r: 0, c: 1 }; S.sel = { r: Math.max(0, S.total - 1), c: cols().length - 1 }; renderGrid(); showFigures(); return; }
  if (ctrl && k === 'f') { ev.preventDefault(); $('search').focus(); return; }
  if (ctrl) return;
  const page = Math.floor($('grid').clientHeight / ROW) - 1;
  switch (k) {
    case 'ArrowUp': ev.preventDefault(); moveSel(-1, 0, sh); return;
    case 'ArrowDown': ev.preventDefault(); moveSel(1, 0, sh); return;
    case 'ArrowLeft': ev.preventDefault(); moveSel(0, -1, sh); return;
    case 'ArrowRight': ev.preventDefault(); moveSel(0, 1, sh); return;
    case 'Enter': ev.preventDefault(); moveSel(sh ? -1 : 1, 0); return;
    case 'Tab': ev.preventDefault(); moveSel(0, sh ? -1 : 1); return;
    case 'PageDown': ev.preventDefault(); moveSel(page, 0, sh); return;
    case 'PageUp': ev.preventDefault(); moveSel(-page, 0, sh); return;
    case 'Home': ev.preventDefault(); moveSel(0, -cols().length, sh); return;
    case 'End': ev.preventDefault(); moveSel(0, cols().length, sh); return;
    case 'Escape': if (S.anchor) { S.anchor = null; renderGrid(); showFigures(); } return;
    case 'F2': ev.preventDefault(); beginEdit('f2'); return;
    case 'Delete': case 'Backspace': ev.preventDefault(); clearCell(); return;
  }
  if (k.length === 1 && !ev.altKey) { ev.preventDefault(); beginEdit('type', k); return; }
  // A Chinese input method's first key: open the editor and let the composition go into it.
  if (k === 'Process') beginEdit('type', '');
}

function editorKey(ev) {
  const e = S.edit;
  if (!e) return;
  ev.stopPropagation();   // the editor sits inside the grid: its keys must not move the selection twice
  if (ev.isComposing) return;   // a Chinese input method is still composing
  const k = ev.key;
  const picking = !$('picker').hidden && e.picks.length > 0;
  if (k === 'Escape') { ev.preventDefault(); endEdit(); renderGrid(); return; }
  if (k === 'Enter') { ev.preventDefault(); commitEdit(ev.shiftKey ? -1 : 1, 0, ev.timeStamp ? performance.now() : undefined); return; }
  if (k === 'Tab') { ev.preventDefault(); commitEdit(0, ev.shiftKey ? -1 : 1); return; }
  if (picking && (k === 'ArrowDown' || k === 'ArrowUp')) { ev.preventDefault(); movePick(k === 'ArrowDown' ? 1 : -1); return; }
  if (e.mode === 'type' && k.startsWith('Arrow')) {
    ev.preventDefault();
    const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[k];
    commitEdit(d[0], d[1]);
  }
}

let searchTimer = null;
export function wireGrid() {
  const grid = $('grid');
  grid.addEventListener('scroll', () => requestAnimationFrame(renderGrid));
  let dragging = false;
  grid.addEventListener('mousedown', (ev) => {
    const cell = ev.target.closest('.cell');
    if (!cell || ev.target.id === 'editor') return;
    if (S.edit) commitEdit(0, 0);
    const r = Number(cell.parentElement.dataset.r), c = Math.max(1, Number(cell.dataset.c));
    if (ev.shiftKey) { if (!S.anchor) S.anchor = { ...S.sel }; } else S.anchor = null;
    if (!ev.shiftKey) S.anchor = { r, c };
    S.sel = { r, c };
    dragging = true;
    renderGrid();
    showFigures();
    S.onSelect && S.onSelect();
  });
  grid.addEventListener('mouseover', (ev) => {
    if (!dragging || !(ev.buttons & 1)) return;
    const cell = ev.target.closest('.cell');
    if (!cell) return;
    const r = Number(cell.parentElement.dataset.r), c = Math.max(1, Number(cell.dataset.c));
    if (r !== S.sel.r || c !== S.sel.c) { S.sel = { r, c }; renderGrid(); showFigures(); }
  });
  window.addEventListener('mouseup', () => {
    if (!dragging) return;
    dragging = false;
    // A click without a drag selects one cell, not a range.
    if (S.anchor && S.anchor.r === S.sel.r && S.anchor.c === S.sel.c) { S.anchor = null; renderGrid(); showFigures(); }
  });
  grid.addEventListener('dblclick', (ev) => { if (ev.target.closest('.cell')) beginEdit('f2'); });
  grid.addEventListener('keydown', gridKey);
  grid.addEventListener('paste', onPaste);
  grid.addEventListener('copy', onCopy);
  wireFormulaBar();
  const ed = $('editor');
  ed.addEventListener('keydown', editorKey);
  ed.addEventListener('input', () => { if (S.edit) updatePicker(); });
  ed.addEventListener('blur', () => { setTimeout(() => { if (S.edit && document.activeElement !== ed) commitEdit(0, 0); }, 0); });
  $('add-row').onclick = () => { select(S.total, 1); grid.focus(); status('新明细：从「预算单位」列开始输入，或从 Excel 粘贴整行'); };
  $('delete-row').onclick = deleteRows;
  $('undo').onclick = () => undoRedo('undo');
  $('redo').onclick = () => undoRedo('redo');
  const search = $('search');
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { S.search = search.value.trim(); S.sel.r = 0; S.anchor = null; grid.scrollTop = 0; reloadGrid(); }, 250);
  });
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { search.value = ''; search.dispatchEvent(new Event('input')); grid.focus(); }
    if (ev.key === 'Enter') { ev.preventDefault(); grid.focus(); }
  });
  window.addEventListener('resize', renderGrid);
}

export { loadTree };
