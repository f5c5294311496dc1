// 部门预算编制工作台: the browser side. Plain JavaScript, no libraries.
// Amounts are integer 分 (fen) everywhere; 万元 appears only when shown, rounded half up once.
'use strict';

const ROW = 26;            // row height in px (matches --row)
const PAGE = 200;          // grid page size
const POLL_MS = 500;       // how often to ask the server for others' changes

const S = {
  meta: null,
  view: 'function',
  wan: false,                 // amounts in 万元
  tree: null,                 // {total, rows}
  rowByKey: new Map(),
  collapsed: new Set(),
  visible: [],                // tree rows shown (after collapse)
  picked: null,               // tree row key used as grid filter
  filter: {},                 // grid filter
  total: 0,                   // grid row count (without the draft row)
  pages: new Map(),           // page index -> items
  pending: new Set(),         // page indexes being fetched
  sel: { r: 0, c: 1 },
  edit: null,                 // {r, c, mode: 'type'|'f2', picks, pickIndex}
  draft: null,                // the new-row draft
  undo: [], redo: [],
  last: 0,
  author: '',
  token: '',
  firstScreen: null,
};
window.__budget = S;

// ---------- money ----------
function group3(s) { return s.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
function roundHalfUp(v, d) {
  const q = Math.trunc(v / d), r = v - q * d;
  if (r * 2 >= d) return q + 1;
  if (r * 2 <= -d) return q - 1;
  return q;
}
function hundredths(h) {
  const neg = h < 0, m = Math.abs(h);
  const whole = Math.floor(m / 100), c = m % 100;
  return (neg ? '-' : '') + group3(String(whole)) + '.' + (c < 10 ? '0' : '') + c;
}
/** fen → text in the chosen unit; blank for zero when `blankZero`. */
function money(fen, blankZero) {
  if (fen === null || fen === undefined) return '';
  if (blankZero && fen === 0) return '';
  if (S.wan) {
    const h = roundHalfUp(fen, 10000);
    if (blankZero && h === 0) return '';
    return hundredths(h);
  }
  return hundredths(fen);
}
function yuanText(fen) {
  const whole = Math.floor(fen / 100), c = fen % 100;
  return whole + '.' + (c < 10 ? '0' : '') + c;
}
/** Parses what a clerk typed, in 元 (two decimals) or 万元 (six decimals), to 分; throws a message. */
function parseAmount(text, wan) {
  let t = text.trim().replace(/\u3000/g, '');
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(t)) t = t.replace(/,/g, '');
  if (t === '') return 0;
  if (t.startsWith('-')) throw `金额 \`${text}\` 为负数（金额不得小于 0）`;
  if (!/^\d*\.?\d*$/.test(t) || t === '.') throw `\`${text}\` 不是金额（只允许数字和小数点）`;
  const [w, f = ''] = t.split('.');
  const scale = wan ? 6 : 2;
  if (f.length > scale) throw `金额 \`${text}\` 超过${wan ? '六位小数（万元精确到分）' : '两位小数（元精确到分）'}`;
  const fen = BigInt(w || '0') * (wan ? 1000000n : 100n) + BigInt((f + '000000').slice(0, scale) || '0');
  if (fen > 9000000000000000n) throw `金额 \`${text}\` 过大`;
  return Number(fen);
}
function rateText(cur, prior) {
  if (!prior) return '';
  const c = BigInt(cur), p = BigInt(prior);
  // percent with two decimals, half up: (c - p) / p * 100
  const num = (c - p) * 10000n;
  let q = num / p, r = num % p;
  if (r < 0n) r = -r;
  if (r * 2n >= (p < 0n ? -p : p)) q += (num < 0n) ? -1n : 1n;
  const neg = q < 0n, m = neg ? -q : q;
  return (neg ? '-' : '') + (m / 100n) + '.' + String(m % 100n).padStart(2, '0') + '%';
}

// ---------- server ----------
async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (S.token) headers['X-Budget-Token'] = S.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw { status: 0, error: '无法连接服务器（budget serve 是否还在运行？）' };
  }
  const type = res.headers.get('content-type') || '';
  const data = type.includes('json') ? await res.json().catch(() => ({})) : await res.text();
  if (!res.ok) {
    const err = typeof data === 'object' ? data : { error: String(data || res.statusText) };
    err.status = res.status;
    if (!err.error) err.error = `服务器返回 ${res.status}`;
    throw err;
  }
  return data;
}
function qs(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  return p.toString();
}

// ---------- status ----------
let toastTimer = null;
function toast(msg, isErr) {
  const t = document.getElementById('toast');
  t.textContent = msg;
  t.className = isErr ? 'err' : '';
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, isErr ? 7000 : 2500);
}
function status(msg, isErr) {
  document.getElementById('status-text').textContent = msg;
  document.getElementById('status').className = isErr ? 'err' : '';
}
function errorText(e) {
  if (typeof e === 'string') return e;
  let s = e.error || String(e);
  if (e.problems && e.problems.length) s += '\n' + e.problems.slice(0, 8).join('\n');
  return s;
}

// ---------- tree ----------
const VIEW_TITLES = { function: '支出功能分类汇总（类 / 款 / 项）', economic: '部门预算支出经济分类汇总（类 / 款）',
  unit: '按预算单位汇总', project: '按项目汇总（项目支出）' };

function treeColumns() {
  const cols = [{ title: S.view === 'project' ? '单位 / 项目' : S.view === 'unit' ? '单位 / 科目' : '科目编码 / 名称', w: 340 }];
  const m = S.meta.columns;
  cols.push({ title: m[0].title, w: 128, idx: 0 });
  if (S.meta.priorYear) {
    cols.push({ title: `上年数（${S.meta.priorYear}）`, w: 128, prior: 'prior' });
    cols.push({ title: '增减额', w: 138, prior: 'diff' });
    cols.push({ title: '增减率', w: 82, prior: 'rate' });
  }
  for (let i = 1; i < m.length; i++) cols.push({ title: m[i].title, w: i <= 5 ? 122 : 118, idx: i });
  return cols;
}
function template(cols) { return cols.map(c => c.w + 'px').join(' '); }

async function loadTree() {
  const t = await api('GET', '/api/tree?' + qs({ view: S.view }));
  S.tree = t;
  S.rowByKey = new Map();
  S.rowByKey.set('total', t.total);
  for (const r of t.rows) S.rowByKey.set(r.key, r);
  computeVisible();
  renderTreeHead();
  renderTree();
  document.getElementById('tree-count').textContent = `${t.rows.length} 行`;
}
function computeVisible() {
  const out = [S.tree.total];
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
  document.getElementById('tree-space').style.height = (out.length * ROW) + 'px';
}
function renderTreeHead() {
  const cols = treeColumns();
  const h = document.getElementById('tree-head');
  h.style.gridTemplateColumns = template(cols);
  h.innerHTML = '';
  cols.forEach((c, i) => { const d = document.createElement('div'); d.textContent = c.title; if (i === 0) d.className = 'frozen'; h.appendChild(d); });
  document.getElementById('tree-title').textContent = VIEW_TITLES[S.view] + (S.wan ? '　单位：万元' : '　单位：元');
}
function treeCells(r) {
  const cols = treeColumns();
  const out = [];
  for (const c of cols) {
    if (c.idx !== undefined) out.push([money(r.values[c.idx], true), r.values[c.idx] < 0]);
    else if (c.prior === 'prior') out.push([money(r.prior || 0, true), false]);
    else if (c.prior === 'diff') { const d = r.values[0] - (r.prior || 0); out.push([d === 0 ? '' : money(d, true), d < 0]); }
    else if (c.prior === 'rate') { const t = rateText(r.values[0], r.prior || 0); out.push([t, t.startsWith('-')]); }
  }
  return out;
}
function renderTree() {
  if (!S.tree) return;
  const box = document.getElementById('tree');
  const cols = treeColumns();
  const tpl = template(cols);
  const start = Math.max(0, Math.floor(box.scrollTop / ROW) - 5);
  const end = Math.min(S.visible.length, start + Math.ceil(box.clientHeight / ROW) + 12);
  const holder = document.getElementById('tree-rows');
  holder.style.transform = `translateY(${start * ROW}px)`;
  const frag = document.createDocumentFragment();
  for (let i = start; i < end; i++) {
    const r = S.visible[i];
    const div = document.createElement('div');
    div.className = 'row ' + (r.key === 'total' ? 'total' : 'l' + Math.min(r.level, 2)) + (S.picked === r.key ? ' picked' : '');
    div.style.gridTemplateColumns = tpl;
    div.dataset.key = r.key;
    const name = document.createElement('div');
    name.className = 'name frozen';
    name.style.paddingLeft = (8 + r.level * 18) + 'px';
    const tog = document.createElement('span');
    tog.className = 'tog';
    tog.textContent = r._kids ? (S.collapsed.has(r.key) ? '▸' : '▾') : '';
    name.appendChild(tog);
    if (r.code) { const c = document.createElement('span'); c.className = 'code'; c.textContent = r.code; name.appendChild(c); }
    const n = document.createElement('span'); n.textContent = r.name; name.appendChild(n);
    name.title = (r.code ? r.code + ' ' : '') + r.name;
    div.appendChild(name);
    for (const [text, neg] of treeCells(r)) {
      const d = document.createElement('div');
      d.className = 'num' + (neg ? ' neg' : '');
      d.textContent = text;
      div.appendChild(d);
    }
    frag.appendChild(div);
  }
  holder.replaceChildren(frag);
}
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
function pickTreeRow(key) {
  const r = S.rowByKey.get(key);
  if (!r) return;
  S.picked = key === 'total' && S.view !== 'project' ? null : key;
  setFilter(r.filter || {}, key === 'total' ? (S.view === 'project' ? '全部项目支出' : '全部') : ((r.code ? r.code + ' ' : '') + r.name));
  renderTree();
}

/** Which tree rows a line adds to in the current view (same keys as the server). */
function rowKeysFor(item) {
  const f = item.function, e = item.economic, u = item.unit;
  switch (S.view) {
    case 'function': return ['total', 'f:' + f.slice(0, 3), 'f:' + f.slice(0, 5), 'f:' + f];
    case 'economic': return ['total', 'e:' + e.slice(0, 3), 'e:' + e];
    case 'unit': return ['total', 'u:' + u, `uf:${u}:${f.slice(0, 3)}`, `uf:${u}:${f.slice(0, 5)}`, `uf:${u}:${f}`];
    case 'project': return item.kind === '项目支出' ? ['total', 'u:' + u, `p:${u}:${item.project}`] : [];
  }
  return [];
}
/** Which figure columns a line counts in: 合计, its source, its year, its kind. */
function columnsFor(item) {
  const src = S.meta.sources.indexOf(item.source);
  return [0, 1 + src, item.carryover === '当年' ? 6 : 7, item.kind === '基本支出' ? 8 : 9];
}
/** The incremental update on screen: take the old line out of its subtotals, put the new one in. */
function applyDelta(oldItem, newItem) {
  let missing = false;
  const touched = new Set();
  for (const [item, sign] of [[oldItem, -1], [newItem, 1]]) {
    if (!item) continue;
    const cols = columnsFor(item);
    for (const k of rowKeysFor(item)) {
      const r = S.rowByKey.get(k);
      if (!r) { missing = true; continue; }
      for (const c of cols) r.values[c] += sign * item.amount;
      touched.add(k);
    }
  }
  renderTree();
  // A short highlight on the subtotals that moved (Web Animations: no forced layout).
  for (const el of document.querySelectorAll('#tree-rows .row')) {
    if (touched.has(el.dataset.key) && el.animate) el.animate([{ backgroundColor: '#fff3bf' }, { backgroundColor: 'transparent' }], 700);
  }
  return missing;
}
let treeReloadTimer = null;
function scheduleTreeReload(ms) {
  clearTimeout(treeReloadTimer);
  treeReloadTimer = setTimeout(() => loadTree().catch(e => status(errorText(e), true)), ms);
}

// ---------- grid ----------
const COLS = [
  { key: 'id', title: '#', w: 50, ro: true, num: true },
  { key: 'unit', title: '预算单位', w: 150, pick: 'unit' },
  { key: 'function', title: '功能分类（项）', w: 210, pick: 'function' },
  { key: 'economic', title: '经济分类（款）', w: 170, pick: 'economic' },
  { key: 'source', title: '资金来源', w: 106, opts: () => S.meta.sources },
  { key: 'carryover', title: '年度', w: 76, opts: () => ['当年', '上年结转'] },
  { key: 'kind', title: '支出类型', w: 76, opts: () => ['基本支出', '项目支出'] },
  { key: 'project', title: '项目', w: 140, pick: 'project' },
  { key: 'amount', title: '金额', w: 132, num: true },
  { key: 'memo', title: '备注', w: 140 },
];
const EDIT_COLS = COLS.map((c, i) => i).filter(i => !COLS[i].ro);

function cellText(item, c) {
  const col = COLS[c];
  switch (col.key) {
    case 'id': return item.id ? String(item.id) : '＋';
    case 'unit': return item.unit ? item.unit + '  ' + (item.unitName || '') : '';
    case 'function': return item.function ? item.function + '  ' + (item.functionName || '') : '';
    case 'economic': return item.economic ? item.economic + '  ' + (item.economicName || '') : '';
    case 'project': return item.project ? item.project + '  ' + (item.projectName || '') : '';
    case 'amount': return money(item.amount, false);
    default: return item[col.key] || '';
  }
}
function rawValue(item, c) {
  const col = COLS[c];
  if (col.key === 'amount') return S.wan ? wanExactText(item.amount) : yuanText(item.amount);
  return item[col.key] == null ? '' : String(item[col.key]);
}
function wanExactText(fen) {
  const w = Math.floor(fen / 1000000), f = String(fen % 1000000).padStart(6, '0').replace(/0+$/, '');
  return f ? w + '.' + f : String(w);
}
function renderGridHead() {
  const h = document.getElementById('grid-head');
  h.style.gridTemplateColumns = template(COLS);
  h.innerHTML = '';
  for (const c of COLS) {
    const d = document.createElement('div');
    d.textContent = c.key === 'amount' ? `金额（${S.wan ? '万元' : '元'}）` : c.title;
    h.appendChild(d);
  }
}
function itemAt(r) {
  if (r === S.total) return draftItem();
  const p = S.pages.get(Math.floor(r / PAGE));
  return p ? p[r % PAGE] : undefined;
}
function draftItem() {
  if (!S.draft) {
    const f = S.filter, units = S.meta.units;
    S.draft = {
      id: 0, version: 0, unit: f.unit || (units[0] ? units[0].code : ''), unitName: '',
      function: f.function && f.function.length === 7 ? f.function : '', functionName: '',
      economic: f.economic && f.economic.length === 5 ? f.economic : '', economicName: '',
      source: S.meta.sources[0], carryover: '当年', kind: f.kind || (f.project ? '项目支出' : '基本支出'),
      project: f.project || '', projectName: '', amount: 0, memo: '',
    };
    const u = units.find(x => x.code === S.draft.unit);
    S.draft.unitName = u ? u.name : '';
    const tr = S.picked && S.rowByKey.get(S.picked);
    if (tr && S.draft.function && tr.code === S.draft.function) S.draft.functionName = tr.name;
    if (tr && S.draft.economic && tr.code === S.draft.economic) S.draft.economicName = tr.name;
  }
  return S.draft;
}
function setFilter(filter, label) {
  S.filter = { ...filter };
  S.draft = null;
  document.getElementById('grid-filter').textContent = label || '全部';
  S.sel.r = 0;
  reloadGrid();
}
async function reloadGrid() {
  S.gridGen = (S.gridGen || 0) + 1;   // answers to older requests are dropped
  S.pages.clear();
  S.pending.clear();
  await fetchPage(0);
  renderGrid();
}
async function fetchPage(p) {
  if (S.pending.has(p)) return;
  S.pending.add(p);
  const gen = S.gridGen;
  try {
    const page = await api('GET', '/api/items?' + qs({ ...S.filter, offset: p * PAGE, limit: PAGE }));
    if (gen !== S.gridGen) return;
    S.total = page.total;
    S.pages.set(p, page.items);
    document.getElementById('grid-space').style.height = ((S.total + 1) * ROW) + 'px';
    document.getElementById('grid-count').textContent = `共 ${S.total} 条，Ctrl+Z 撤销，F2 编辑，可从 Excel 粘贴`;
  } finally { if (gen === S.gridGen) S.pending.delete(p); }
}
function renderGrid() {
  const box = document.getElementById('grid');
  const tpl = template(COLS);
  const n = S.total + 1;
  const start = Math.max(0, Math.floor(box.scrollTop / ROW) - 5);
  const end = Math.min(n, start + Math.ceil(box.clientHeight / ROW) + 12);
  const holder = document.getElementById('grid-rows');
  holder.style.transform = `translateY(${start * ROW}px)`;
  const frag = document.createDocumentFragment();
  const want = new Set();
  for (let r = start; r < end; r++) {
    const item = itemAt(r);
    const div = document.createElement('div');
    div.className = 'row' + (r === S.total ? ' draft' : '') + (!item ? ' loading' : '') + (r === S.sel.r ? ' rowsel' : '');
    div.style.gridTemplateColumns = tpl;
    div.dataset.r = r;
    for (let c = 0; c < COLS.length; c++) {
      const d = document.createElement('div');
      d.className = 'cell' + (COLS[c].num ? ' num' : '') + (r === S.sel.r && c === S.sel.c ? ' sel' : '');
      d.dataset.c = c;
      if (item) {
        d.textContent = r === S.total && c === 0 ? '＋' : (r === S.total && c === 8 && item.amount === 0 ? '' : cellText(item, c));
        if (r === S.total && c === 2 && !item.function) d.textContent = '在这一行输入新明细…';
        if (!COLS[c].num && d.textContent.length > 8) d.title = d.textContent;
      } else { d.textContent = c === 0 ? '…' : ''; want.add(Math.floor(r / PAGE)); }
      div.appendChild(d);
    }
    frag.appendChild(div);
  }
  holder.replaceChildren(frag);
  // Fetch what is missing once; redraw when it arrives (never re-ask for a page already on its way).
  for (const p of want) {
    if (S.pending.has(p) || S.pages.has(p)) continue;
    fetchPage(p).then(() => requestAnimationFrame(renderGrid)).catch(e => status(errorText(e), true));
  }
  positionEditor();
}
function scrollToSel() {
  const box = document.getElementById('grid');
  const top = S.sel.r * ROW, headH = ROW;
  if (top < box.scrollTop) box.scrollTop = top;
  else if (top + ROW > box.scrollTop + box.clientHeight - headH) box.scrollTop = top + ROW + headH - box.clientHeight;
  let x = 0; for (let c = 0; c < S.sel.c; c++) x += COLS[c].w;
  if (x < box.scrollLeft) box.scrollLeft = x;
  else if (x + COLS[S.sel.c].w > box.scrollLeft + box.clientWidth) box.scrollLeft = x + COLS[S.sel.c].w - box.clientWidth;
}
function moveSel(dr, dc) {
  const n = S.total + 1;
  S.sel.r = Math.max(0, Math.min(n - 1, S.sel.r + dr));
  S.sel.c = Math.max(1, Math.min(COLS.length - 1, S.sel.c + dc));
  scrollToSel();
  renderGrid();
  scheduleHistory();
}

// ---------- editing ----------
function beginEdit(mode, initial) {
  const item = itemAt(S.sel.r);
  if (!item || COLS[S.sel.c].ro) return;
  const ed = document.getElementById('editor');
  S.edit = { r: S.sel.r, c: S.sel.c, mode, picks: [], pickIndex: -1 };
  ed.value = mode === 'type' ? initial : rawValue(item, S.sel.c);
  ed.className = COLS[S.sel.c].num ? 'num' : '';
  ed.hidden = false;
  positionEditor();
  ed.focus();
  if (mode === 'f2') ed.setSelectionRange(ed.value.length, ed.value.length);
  updatePicker();
}
function positionEditor() {
  if (!S.edit) return;
  const ed = document.getElementById('editor');
  let x = 0; for (let c = 0; c < S.edit.c; c++) x += COLS[c].w;
  const y = ROW + S.edit.r * ROW;
  ed.style.left = x + 'px'; ed.style.top = y + 'px'; ed.style.width = Math.max(COLS[S.edit.c].w, 120) + 'px';
  const pk = document.getElementById('picker');
  pk.style.left = x + 'px'; pk.style.top = (y + ROW) + 'px';
}
function endEdit() {
  S.edit = null;
  const ed = document.getElementById('editor');
  ed.hidden = true;
  document.getElementById('picker').hidden = true;
  document.getElementById('grid').focus({ preventScroll: true });
}
let pickTimer = null;
function updatePicker() {
  const col = COLS[S.edit.c];
  const pk = document.getElementById('picker');
  if (!col.pick && !col.opts) { pk.hidden = true; return; }
  const text = document.getElementById('editor').value.trim();
  if (col.opts) {
    const all = col.opts();
    const hits = all.filter(o => !text || o.includes(text) || (S.edit.mode === 'f2' && o === text));
    showPicks(hits.length ? hits.map(o => ({ code: o, name: '', leaf: true })) : all.map(o => ({ code: o, name: '', leaf: true })));
    return;
  }
  clearTimeout(pickTimer);
  pickTimer = setTimeout(async () => {
    if (!S.edit) return;
    const item = itemAt(S.edit.r) || {};
    try {
      const hits = await api('GET', '/api/codes?' + qs({ set: col.pick, q: text.split(/\s+/)[0], unit: col.pick === 'project' ? item.unit : '' }));
      if (S.edit) showPicks(hits);
    } catch (e) { status(errorText(e), true); }
  }, 60);
}
function showPicks(hits) {
  const pk = document.getElementById('picker');
  S.edit.picks = hits;
  S.edit.pickIndex = hits.length ? 0 : -1;
  pk.innerHTML = '';
  hits.forEach((h, i) => {
    const li = document.createElement('li');
    li.className = (i === 0 ? 'on' : '') + (h.leaf ? '' : ' nonleaf');
    if (h.name) { const c = document.createElement('span'); c.className = 'code'; c.textContent = h.code; li.appendChild(c); li.appendChild(document.createTextNode(h.name)); }
    else li.textContent = h.code;
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
/** The value a committed editor stands for: a picked code, or the typed text. */
function editorValue() {
  const e = S.edit, col = COLS[e.c];
  const text = document.getElementById('editor').value.trim();
  if (col.pick || col.opts) {
    const first = text.split(/\s+/)[0] || '';
    const exact = e.picks.find(h => h.code === first);
    if (exact) return exact;
    if (text === '' && col.key === 'project') return { code: '', name: '' };
    const h = e.picks[e.pickIndex];
    if (h && text !== '') return h;
    return { code: first, name: '' };
  }
  return text;
}
async function commitEdit(dr, dc, t0) {
  const e = S.edit;
  if (!e) return;
  const item = itemAt(e.r);
  const col = COLS[e.c];
  let next;
  try {
    next = withValue(item, col.key, editorValue());
  } catch (msg) { toast(msg, true); return; }
  endEdit();
  // The optimistic part of saveLine (subtotals on screen) runs before the selection moves.
  const saving = saveLine(item, next, false, t0);
  moveSel(dr, dc);
  await saving;
}
function withValue(item, key, v) {
  const next = { ...item };
  if (key === 'amount') next.amount = parseAmount(v, S.wan);
  else if (typeof v === 'object') { next[key] = v.code; if (key + 'Name' in next) next[key + 'Name'] = v.name; }
  else next[key] = v;
  if (key === 'kind' && next.kind === '基本支出') { next.project = ''; next.projectName = ''; }
  return next;
}
function inputOf(item) {
  return { unit: item.unit, function: item.function, economic: item.economic, source: item.source, carryover: item.carryover,
    kind: item.kind, project: item.project || null, amount: yuanText(item.amount), memo: item.memo || '',
    version: item.version || undefined, author: S.author };
}
function replaceCached(item) {
  for (const page of S.pages.values()) {
    const i = page.findIndex(x => x.id === item.id);
    if (i >= 0) page[i] = item;
  }
}
function sameLine(a, b) {
  return ['unit', 'function', 'economic', 'source', 'carryover', 'kind', 'project', 'amount', 'memo'].every(k => (a[k] || '') === (b[k] || ''));
}
/** Saves one edited line: the subtotals on screen change at once; the server confirms or refuses. */
async function saveLine(before, after, fromHistory, keyTime) {
  if (sameLine(before, after)) return;
  const t0 = keyTime || performance.now();
  if (!before.id) {   // the draft row
    S.draft = after;
    if (!after.function || !after.economic || !after.unit) { renderGrid(); status('新明细：填好功能分类、经济分类后自动保存'); return; }
    applyDelta(null, after);
    noteLatency(t0);
    try {
      const res = await api('POST', '/api/items', inputOf(after));
      S.draft = null;
      if (!fromHistory) pushUndo({ op: 'add', after: res.item });
      status(`已增加明细 #${res.item.id}`);
      await reloadGrid();
      scheduleTreeReload(50);
    } catch (err) {
      applyDelta(after, null);
      S.draft = after;
      renderGrid();
      toast(errorText(err), true);
    }
    return;
  }
  replaceCached(after);
  applyDelta(before, after);
  noteLatency(t0);
  renderGrid();
  try {
    const res = await api('PUT', '/api/items/' + before.id, inputOf({ ...after, version: before.version }));
    replaceCached(res.item);
    if (!fromHistory) pushUndo({ op: 'set', before, after: res.item });
    S.lastConfirmMs = performance.now() - t0;
    status(`已保存明细 #${res.item.id}（第 ${res.item.version} 版）`);
    scheduleTreeReload(30);
    renderGrid();
    scheduleHistory();
    return res.item;
  } catch (err) {
    applyDelta(after, null); applyDelta(null, before);
    if (err.status === 409 && err.current) {
      applyDelta(before, err.current);
      replaceCached(err.current);
    } else replaceCached(before);
    renderGrid();
    toast(errorText(err) + (err.status === 409 && err.current ? `\n现在的金额：${money(err.current.amount)}` : ''), true);
    return null;
  }
}
function noteLatency(t0) {
  S.domLatencies = S.domLatencies || [];
  S.domLatencies.push(performance.now() - t0);
  requestAnimationFrame(() => {
    const ms = performance.now() - t0;
    S.latencies = S.latencies || [];
    S.latencies.push(ms);
    document.body.dataset.lastEditMs = ms.toFixed(2);
  });
}
async function clearCell() {
  const item = itemAt(S.sel.r);
  if (!item) return;
  const key = COLS[S.sel.c].key;
  if (key === 'amount') return saveLine(item, { ...item, amount: 0 });
  if (key === 'memo') return saveLine(item, { ...item, memo: '' });
  if (key === 'project' && item.kind === '基本支出') return saveLine(item, { ...item, project: '', projectName: '' });
  toast(`“${COLS[S.sel.c].title}”不能为空；要删除整行请点“删除所选行”`, true);
}
async function deleteRow() {
  const item = itemAt(S.sel.r);
  if (!item || !item.id) return;
  if (!confirm(`删除明细 #${item.id}（${item.functionName} ${money(item.amount)}）？`)) return;
  await removeLine(item);
}
async function removeLine(item, fromHistory) {
  try {
    const res = await api('DELETE', `/api/items/${item.id}?` + qs({ version: item.version, author: S.author }));
    applyDelta(res.item, null);
    if (!fromHistory) pushUndo({ op: 'rm', before: res.item });
    status(`已删除明细 #${item.id}`);
    await reloadGrid();
    scheduleTreeReload(30);
  } catch (err) { toast(errorText(err), true); }
}
async function addLine(item) {
  const res = await api('POST', '/api/items', inputOf({ ...item, version: 0 }));
  applyDelta(null, res.item);
  await reloadGrid();
  scheduleTreeReload(30);
  return res.item;
}

// ---------- undo / redo ----------
function pushUndo(entry) { S.undo.push(entry); S.redo = []; }
async function currentOf(id) { return api('GET', '/api/items/' + id); }
async function undo() {
  const e = S.undo.pop();
  if (!e) { status('没有可撤销的操作'); return; }
  try {
    const back = await perform(e, true);
    if (back) S.redo.push(back);
    status('已撤销');
  } catch (err) { toast(errorText(err), true); }
}
async function redo() {
  const e = S.redo.pop();
  if (!e) { status('没有可重做的操作'); return; }
  try {
    const back = await perform(e, true);
    if (back) S.undo.push(back);
    status('已重做');
  } catch (err) { toast(errorText(err), true); }
}
/** Reverses one entry; returns the entry that reverses it again. */
async function perform(e, reverse) {
  if (e.op === 'set') {
    const now = await currentOf(e.after.id);
    const target = { ...e.before, id: now.id, version: now.version };
    const saved = await saveLine(now, target, true);
    return saved ? { op: 'set', before: now, after: saved } : null;
  }
  if (e.op === 'add') {
    const list = e.batch || [e.after];
    const readded = [];
    for (const it of list) { const now = await currentOf(it.id); await removeLine(now, true); readded.push(now); }
    return { op: 'rm', before: readded[0], batch: readded.length > 1 ? readded : undefined };
  }
  if (e.op === 'rm') {
    const list = e.batch || [e.before];
    const added = [];
    for (const it of list) added.push(await addLine(it));
    return { op: 'add', after: added[0], batch: added.length > 1 ? added : undefined };
  }
  return null;
}

// ---------- paste ----------
function parseTSV(text) {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  return lines.map(l => l.split('\t'));
}
function pasteValue(key, v, item) {
  v = (v || '').trim();
  if (key === 'unit') {
    const u = S.meta.units.find(x => x.code === v.split(/\s+/)[0] || x.name === v);
    return u ? { code: u.code, name: u.name } : { code: v.split(/\s+/)[0], name: '' };
  }
  if (key === 'function' || key === 'economic' || key === 'project') return { code: v.split(/\s+/)[0] || '', name: '' };
  return v;
}
async function onPaste(ev) {
  if (S.edit) return;
  const text = (ev.clipboardData || window.clipboardData).getData('text');
  if (!text) return;
  ev.preventDefault();
  const block = parseTSV(text);
  const r0 = S.sel.r, c0 = S.sel.c;
  const updates = [], news = [];
  try {
    for (let i = 0; i < block.length; i++) {
      const r = r0 + i;
      const base = r < S.total ? itemAt(r) : { ...draftItem(), id: 0, version: 0 };
      if (!base) throw `第 ${r + 1} 行还没载入，请稍后再粘贴`;
      let next = { ...base };
      for (let j = 0; j < block[i].length; j++) {
        const c = c0 + j;
        if (c >= COLS.length || COLS[c].ro) continue;
        try { next = withValue(next, COLS[c].key, pasteValue(COLS[c].key, block[i][j], next)); }
        catch (msg) { throw `粘贴的第 ${i + 1} 行“${COLS[c].title}”：${msg}`; }
      }
      if (r < S.total) updates.push([base, next]); else news.push(next);
    }
  } catch (msg) { toast(msg, true); return; }
  for (const [b, n] of updates) await saveLine(b, n);
  if (news.length) {
    try {
      const res = await api('POST', '/api/items/batch', { items: news.map(inputOf), author: S.author });
      S.draft = null;
      pushUndo({ op: 'add', after: res.items[0], batch: res.items });
      status(`已粘贴 ${res.items.length} 行新明细`);
      await reloadGrid();
      loadTree();
    } catch (err) { toast(errorText(err), true); }
  }
}
function onCopy(ev) {
  if (S.edit) return;
  const item = itemAt(S.sel.r);
  if (!item) return;
  ev.clipboardData.setData('text/plain', rawValue(item, S.sel.c));
  ev.preventDefault();
}

// ---------- keyboard ----------
function gridKey(ev) {
  if (S.edit) return;
  const k = ev.key, ctrl = ev.ctrlKey || ev.metaKey;
  if (ctrl && (k === 'z' || k === 'Z')) { ev.preventDefault(); if (ev.shiftKey) redo(); else undo(); return; }
  if (ctrl && (k === 'y' || k === 'Y')) { ev.preventDefault(); redo(); return; }
  if (ctrl) return;
  switch (k) {
    case 'ArrowUp': ev.preventDefault(); moveSel(-1, 0); return;
    case 'ArrowDown': ev.preventDefault(); moveSel(1, 0); return;
    case 'ArrowLeft': ev.preventDefault(); moveSel(0, -1); return;
    case 'ArrowRight': ev.preventDefault(); moveSel(0, 1); return;
    case 'Enter': ev.preventDefault(); moveSel(ev.shiftKey ? -1 : 1, 0); return;
    case 'Tab': ev.preventDefault(); moveSel(0, ev.shiftKey ? -1 : 1); return;
    case 'PageDown': ev.preventDefault(); moveSel(Math.floor(document.getElementById('grid').clientHeight / ROW) - 1, 0); return;
    case 'PageUp': ev.preventDefault(); moveSel(-(Math.floor(document.getElementById('grid').clientHeight / ROW) - 1), 0); return;
    case 'Home': ev.preventDefault(); S.sel.c = 1; moveSel(0, 0); return;
    case 'End': ev.preventDefault(); S.sel.c = COLS.length - 1; moveSel(0, 0); return;
    case 'F2': ev.preventDefault(); beginEdit('f2'); return;
    case 'Delete': case 'Backspace': ev.preventDefault(); clearCell(); return;
  }
  if (k.length === 1 && !ev.altKey) { ev.preventDefault(); beginEdit('type', k); }
}
function editorKey(ev) {
  const e = S.edit;
  if (!e) return;
  ev.stopPropagation();   // the editor sits inside the grid: its keys must not move the selection twice
  const k = ev.key;
  const picking = !document.getElementById('picker').hidden && e.picks.length > 0;
  if (k === 'Escape') { ev.preventDefault(); endEdit(); renderGrid(); return; }
  if (k === 'Enter') { ev.preventDefault(); commitEdit(ev.shiftKey ? -1 : 1, 0, ev.timeStamp); return; }
  if (k === 'Tab') { ev.preventDefault(); commitEdit(0, ev.shiftKey ? -1 : 1, ev.timeStamp); return; }
  if (picking && (k === 'ArrowDown' || k === 'ArrowUp')) { ev.preventDefault(); movePick(k === 'ArrowDown' ? 1 : -1); return; }
  if (e.mode === 'type' && k.startsWith('Arrow')) {
    ev.preventDefault();
    const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[k];
    commitEdit(d[0], d[1]);
  }
}

// ---------- side panel ----------
function showTab(name) {
  for (const b of document.querySelectorAll('#side-tabs button')) b.classList.toggle('on', b.dataset.tab === name);
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('on', t.id === 'tab-' + name);
  if (name === 'history') loadHistory();
}
async function runChecks() {
  showTab('checks');
  const box = document.getElementById('tab-checks');
  box.innerHTML = '<p class="muted">正在审核…</p>';
  try {
    const res = await api('GET', '/api/checks');
    box.innerHTML = '';
    const head = document.createElement('p');
    if (!res.problems.length) { head.className = 'ok'; head.textContent = `审核通过：${res.source}没有发现问题。`; }
    else {
      const info = res.problems.length - res.errors - res.warnings;
      head.textContent = `${res.source}：${res.errors} 个错误，${res.warnings} 个警告，${info} 条提示${res.truncated ? '（只列出一部分）' : ''}。点一条查看涉及的明细。`;
    }
    box.appendChild(head);
    for (const p of res.problems) {
      const d = document.createElement('div');
      d.className = 'problem ' + p.severity;
      const m = document.createElement('div'); m.textContent = `【${p.severityName}】${p.message}`; d.appendChild(m);
      const w = document.createElement('div'); w.className = 'where'; w.textContent = p.where; d.appendChild(w);
      d.onclick = () => {
        if (p.items && p.items.length) { S.picked = null; renderTree(); setFilter({ ids: p.items.join(',') }, `审核：${p.items.length} 条明细`); }
        else if (p.filter) setFilter(p.filter, p.message.slice(0, 30));
      };
      box.appendChild(d);
    }
  } catch (e) { box.innerHTML = ''; const p = document.createElement('p'); p.className = 'problem'; p.textContent = errorText(e); box.appendChild(p); }
}
let historyTimer = null;
function scheduleHistory() {
  clearTimeout(historyTimer);
  if (!document.getElementById('tab-history').classList.contains('on')) return;
  historyTimer = setTimeout(loadHistory, 150);
}
const FIELD_NAMES = { unit: '单位', function: '功能分类', economic: '经济分类', source: '资金来源', carryover: '年度', kind: '支出类型',
  project: '项目', amount: '金额', memo: '备注' };
async function loadHistory() {
  const box = document.getElementById('tab-history');
  const item = itemAt(S.sel.r);
  if (!item || !item.id) { box.innerHTML = '<p class="muted">选中一行明细，查看它的修改记录。</p>'; return; }
  try {
    const log = await api('GET', `/api/items/${item.id}/history`);
    box.innerHTML = '';
    const h = document.createElement('p');
    h.innerHTML = '';
    h.textContent = `明细 #${item.id} 的修改记录（${log.length} 条）`;
    box.appendChild(h);
    if (!log.length) { const p = document.createElement('p'); p.className = 'muted'; p.textContent = '载入工作区以来没有修改过。'; box.appendChild(p); }
    for (const c of log.slice().reverse()) {
      const d = document.createElement('div'); d.className = 'change';
      const w = document.createElement('div'); w.className = 'when';
      w.textContent = `${c.at.replace('T', ' ').slice(0, 19)}　${c.author}　${{ add: '新增', set: '修改', rm: '删除' }[c.action] || c.action}`;
      d.appendChild(w);
      const ul = document.createElement('ul');
      for (const k of Object.keys(FIELD_NAMES)) {
        const a = c.before ? c.before[k] : undefined, b = c.after ? c.after[k] : undefined;
        if ((a || '') === (b || '')) continue;
        const li = document.createElement('li');
        const f = v => v === undefined || v === null || v === '' ? '（空）' : k === 'amount' ? money(v) : String(v);
        li.textContent = c.before && c.after ? `${FIELD_NAMES[k]}：${f(a)} → ${f(b)}` : `${FIELD_NAMES[k]}：${f(a !== undefined ? a : b)}`;
        ul.appendChild(li);
      }
      d.appendChild(ul);
      box.appendChild(d);
    }
  } catch (e) { box.textContent = errorText(e); }
}
async function showNarrative() {
  showTab('narrative');
  const box = document.getElementById('tab-narrative');
  box.innerHTML = '<p class="muted">正在生成…</p>';
  try {
    const text = await api('GET', '/api/narrative');
    box.innerHTML = '';
    const p = document.createElement('div'); p.className = 'narr'; p.textContent = text; box.appendChild(p);
  } catch (e) { box.innerHTML = ''; const p = document.createElement('p'); p.className = 'problem'; p.textContent = errorText(e); box.appendChild(p); }
}

// ---------- live changes from others ----------
let pollFailures = 0;
async function poll() {
  try {
    const ch = await api('GET', '/api/changes?since=' + S.last);
    pollFailures = 0;
    document.getElementById('sync').className = '';
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
    document.getElementById('sync').className = 'off';
    if (pollFailures === 3) status(errorText(e), true);
  }
  setTimeout(poll, POLL_MS);
}

// ---------- start ----------
function askAuthor(force) {
  const saved = localStorage.getItem('budgetAuthor') || '';
  S.author = saved;
  document.getElementById('author-name').textContent = saved || '—';
  if (saved && !force) return;
  const dlg = document.getElementById('author-dialog');
  const input = document.getElementById('author-input');
  input.value = saved;
  dlg.hidden = false;
  input.focus();
}
function wire() {
  const tree = document.getElementById('tree');
  tree.addEventListener('scroll', () => requestAnimationFrame(renderTree));
  tree.addEventListener('click', treeClick);
  tree.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const i = Math.max(0, S.visible.findIndex(r => r.key === (S.picked || 'total')));
      const j = Math.max(0, Math.min(S.visible.length - 1, i + (ev.key === 'ArrowDown' ? 1 : -1)));
      pickTreeRow(S.visible[j].key);
    }
  });
  const grid = document.getElementById('grid');
  grid.addEventListener('scroll', () => requestAnimationFrame(renderGrid));
  grid.addEventListener('mousedown', (ev) => {
    const cell = ev.target.closest('.cell');
    if (!cell || ev.target.id === 'editor') return;
    if (S.edit) commitEdit(0, 0);
    S.sel = { r: Number(cell.parentElement.dataset.r), c: Math.max(1, Number(cell.dataset.c)) };
    renderGrid();
    scheduleHistory();
  });
  grid.addEventListener('dblclick', (ev) => { if (ev.target.closest('.cell')) beginEdit('f2'); });
  grid.addEventListener('keydown', gridKey);
  grid.addEventListener('paste', onPaste);
  grid.addEventListener('copy', onCopy);
  const ed = document.getElementById('editor');
  ed.addEventListener('keydown', editorKey);
  ed.addEventListener('input', () => { if (S.edit) updatePicker(); });
  ed.addEventListener('blur', () => { setTimeout(() => { if (S.edit && document.activeElement !== ed) commitEdit(0, 0); }, 0); });
  for (const b of document.querySelectorAll('#views button')) b.onclick = () => switchView(b.dataset.view);
  document.getElementById('unit-yuan').onclick = () => setWan(false);
  document.getElementById('unit-wan').onclick = () => setWan(true);
  document.getElementById('btn-checks').onclick = runChecks;
  document.getElementById('btn-narrative').onclick = showNarrative;
  document.getElementById('btn-author').onclick = () => askAuthor(true);
  for (const b of document.querySelectorAll('#side-tabs button')) b.onclick = () => showTab(b.dataset.tab);
  document.getElementById('expand-all').onclick = () => { S.collapsed.clear(); computeVisible(); renderTree(); };
  document.getElementById('collapse-all').onclick = () => {
    S.collapsed = new Set(S.tree.rows.filter(r => r.level === 0).map(r => r.key)); computeVisible(); renderTree();
  };
  document.getElementById('clear-filter').onclick = () => { S.picked = null; renderTree(); setFilter({}, '全部'); };
  document.getElementById('add-row').onclick = () => { S.sel = { r: S.total, c: 2 }; scrollToSel(); renderGrid(); grid.focus(); };
  document.getElementById('delete-row').onclick = deleteRow;
  document.getElementById('undo').onclick = undo;
  document.getElementById('redo').onclick = redo;
  document.getElementById('author-form').onsubmit = (ev) => {
    ev.preventDefault();
    const v = document.getElementById('author-input').value.trim();
    if (!v) return;
    localStorage.setItem('budgetAuthor', v);
    S.author = v;
    document.getElementById('author-name').textContent = v;
    document.getElementById('author-dialog').hidden = true;
    grid.focus();
  };
  window.addEventListener('resize', () => { renderTree(); renderGrid(); });
}
async function switchView(v) {
  S.view = v;
  S.collapsed.clear();
  S.picked = null;
  for (const b of document.querySelectorAll('#views button')) b.classList.toggle('on', b.dataset.view === v);
  document.getElementById('tree').scrollTop = 0;
  await loadTree();
  setFilter(v === 'project' ? { kind: '项目支出' } : {}, v === 'project' ? '全部项目支出' : '全部');
}
function setWan(w) {
  S.wan = w;
  localStorage.setItem('budgetWan', w ? '1' : '0');
  document.getElementById('unit-yuan').classList.toggle('on', !w);
  document.getElementById('unit-wan').classList.toggle('on', w);
  renderTreeHead(); renderTree(); renderGridHead(); renderGrid();
}
async function start() {
  const t0 = performance.now();
  const url = new URL(location.href);
  const tok = url.searchParams.get('token');
  if (tok) { sessionStorage.setItem('budgetToken', tok); url.searchParams.delete('token'); history.replaceState(null, '', url.pathname); }
  S.token = sessionStorage.getItem('budgetToken') || '';
  S.wan = localStorage.getItem('budgetWan') === '1';
  wire();
  try {
    S.meta = await api('GET', '/api/meta');
  } catch (e) { status(errorText(e), true); return; }
  S.last = S.meta.last;
  document.getElementById('dept').textContent = S.meta.department;
  document.getElementById('year').textContent = `${S.meta.year} 年部门预算` + (S.meta.priorYear ? `（对比 ${S.meta.priorYear} 年）` : '');
  document.title = `${S.meta.department} ${S.meta.year} 年预算 — 编制工作台`;
  const exp = document.getElementById('btn-export');
  if (S.token) exp.href = '/api/export?token=' + encodeURIComponent(S.token);
  if (!S.meta.exportAvailable) { exp.classList.add('disabled'); exp.title = '导出模块尚未接入'; }
  setWan(S.wan);
  await Promise.all([loadTree(), reloadGrid()]);
  S.firstScreen = performance.now() - t0;
  document.body.dataset.ready = '1';
  document.body.dataset.firstScreenMs = (performance.now()).toFixed(1);
  status(`${S.meta.itemCount} 条明细　首屏 ${Math.round(performance.now())} ms　方向键移动，直接输入即改写，F2 编辑，Esc 取消，Ctrl+Z 撤销`);
  askAuthor(false);
  if (S.author) document.getElementById('grid').focus();
  setTimeout(poll, POLL_MS);
}
document.addEventListener('DOMContentLoaded', start);
