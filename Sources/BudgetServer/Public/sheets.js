// The sheets of what bases read: 参数 (a unit's parameters), 标准 (the county's standards) and 人员
// (the roster). Listed from /api/parameters, /api/standards and /api/staff; each edit goes to
// POST /api/basis, which applies it through the store in one transaction and answers like a grid
// step: the lines that moved with it and the tree rows they changed (drawn by the grid's afterStep).
// Values are sent as typed; the server reads them by the loaders' rules.
import { S } from './state.js';
import { api } from './server.js';
import { $, el, toast, status, errorText } from './ui.js';
import { afterStep, setFilter } from './grid.js';
import { renderTree } from './tree.js';

const TITLES = { parameters: '参数', standards: '标准', staff: '人员' };
let current = 'parameters';
let data = null;

/** Sends one sheet edit; draws the lines and subtotals it moved, then the sheet as it is now. */
async function send(body) {
  const out = await api('POST', '/api/basis', { author: S.author, view: S.view, money: S.money, ...body });
  S.last = Math.max(S.last, out.last || 0);
  await afterStep(out);
  const moved = out.moved || [];
  S.sheetMoved = moved;
  const b = $('sheet-moved');
  b.hidden = moved.length === 0;
  b.textContent = `显示随之重算的 ${moved.length} 行明细`;
  await load();
  return out;
}

async function load() {
  const name = current;
  const path = { parameters: '/api/parameters', standards: '/api/standards', staff: '/api/staff' }[name];
  try {
    const answer = await api('GET', path);
    if (name !== current) return;   // another tab was picked meanwhile: its own answer draws it
    data = answer;
    render();
  } catch (e) { $('sheet-box').replaceChildren(el('p', 'problem', errorText(e))); }
}

const unitLabel = (code) => { const u = S.meta.units.find(x => x.code === code); return u ? `${code} ${u.name}` : code; };

/** A cell that is edited in place: click, type, Enter saves, Esc cancels (a changed value also saves on leaving). */
function editable(td, value, save, numeric) {
  td.classList.add('edit');
  if (numeric) td.classList.add('amt');
  td.textContent = value;
  td.tabIndex = 0;
  const open = (initial) => {
    if (td.querySelector('input')) return;
    const input = el('input', numeric ? 'num' : '');
    input.value = initial === undefined ? value : initial;
    td.replaceChildren(input);
    input.focus();
    if (initial === undefined) input.select();
    let done = false;
    const finish = async (keep) => {
      if (done) return;
      done = true;
      const v = input.value.trim();
      if (!keep || v === value) { td.textContent = value; return; }
      td.textContent = v;
      td.classList.add('pending');
      try { await save(v); } catch (e) { td.classList.remove('pending'); td.textContent = value; toast(errorText(e), true); status(errorText(e).split('\n')[0], true); }
    };
    input.addEventListener('keydown', (ev) => {
      if (ev.isComposing) return;
      if (ev.key === 'Enter') { ev.preventDefault(); finish(true); }
      else if (ev.key === 'Escape') { ev.preventDefault(); finish(false); }
    });
    input.addEventListener('blur', () => finish(true));
  };
  td.addEventListener('click', () => open());
  td.addEventListener('keydown', (ev) => {
    if (ev.target !== td) return;
    if (ev.key === 'Enter' || ev.key === 'F2') { ev.preventDefault(); open(); }
    else if (ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) { ev.preventDefault(); open(ev.key); }
  });
}

function removeButton(what, body) {
  const b = el('button', 'small', '删除');
  b.title = `删除${what}（有明细用到它时会被拒绝，并列出这些明细）`;
  b.onclick = async () => {
    if (!confirm(`删除${what}？`)) return;
    try { await send(body); } catch (e) { toast(errorText(e), true); }
  };
  return b;
}

function head(titles) {
  const thead = el('thead'), tr = el('tr');
  for (const t of titles) tr.appendChild(el('th', '', t));
  thead.appendChild(tr);
  return thead;
}

function unitSelect() {
  const s = el('select');
  for (const u of S.meta.units) { const o = el('option', '', `${u.code} ${u.name}`); o.value = u.code; s.appendChild(o); }
  return s;
}

/** The new-row form under a sheet: the fields, then 保存. */
function addRow(cells, save) {
  const tr = el('tr', 'newrow');
  for (const c of cells) { const td = el('td'); if (c) td.appendChild(c); tr.appendChild(td); }
  const td = el('td'), b = el('button', 'small primary', '保存');
  b.onclick = async () => { try { await save(); } catch (e) { toast(errorText(e), true); } };
  td.appendChild(b);
  tr.appendChild(td);
  return tr;
}
const input = (ph, cls) => { const i = el('input', cls || ''); i.placeholder = ph; return i; };

function render() {
  const box = $('sheet-box');
  const table = el('table', 'sheet');
  table.dataset.sheet = current;
  const tbody = el('tbody');
  if (current === 'parameters') {
    table.appendChild(head(['预算单位', '名称', '数值', '说明', '']));
    for (const p of data) {
      const tr = el('tr');
      tr.dataset.key = `${p.unit}/${p.name}`;
      tr.appendChild(el('td', '', unitLabel(p.unit)));
      tr.appendChild(el('td', 'key', p.name));
      const v = el('td'), m = el('td');
      editable(v, p.value, (x) => send({ op: 'setParameter', unit: p.unit, name: p.name, value: x }), true);
      editable(m, p.memo, (x) => send({ op: 'setParameter', unit: p.unit, name: p.name, value: p.value, memo: x }));
      tr.append(v, m);
      const d = el('td'); d.appendChild(removeButton(`参数 ${p.name}（${p.unit}）`, { op: 'removeParameter', unit: p.unit, name: p.name })); tr.appendChild(d);
      tbody.appendChild(tr);
    }
    const u = unitSelect(), n = input('名称，如 在职人数'), v = input('数值，如 23 或 16%', 'num'), m = input('说明');
    tbody.appendChild(addRow([u, n, v, m], () => send({ op: 'setParameter', unit: u.value, name: n.value, value: v.value, memo: m.value })));
  } else if (current === 'standards') {
    table.appendChild(head(['名称', '数值', '说明', '']));
    for (const s of data) {
      const tr = el('tr');
      tr.dataset.key = s.name;
      tr.appendChild(el('td', 'key', s.name));
      const v = el('td'), m = el('td');
      editable(v, s.value, (x) => send({ op: 'setStandard', name: s.name, value: x }), true);
      editable(m, s.memo, (x) => send({ op: 'setStandard', name: s.name, value: s.value, memo: x }));
      tr.append(v, m);
      const d = el('td'); d.appendChild(removeButton(`标准 ${s.name}`, { op: 'removeStandard', name: s.name })); tr.appendChild(d);
      tbody.appendChild(tr);
    }
    const n = input('名称，如 公用经费定额'), v = input('数值，如 8000 或 12%', 'num'), m = input('说明');
    tbody.appendChild(addRow([n, v, m], () => send({ op: 'setStandard', name: n.value, value: v.value, memo: m.value })));
  } else {
    const fields = data.fields;
    table.appendChild(head(['#', '预算单位', '姓名或岗位', '类别', '人数', ...fields.map(f => `${f}（元/月）`), '']));
    for (const r of data.rows) {
      const tr = el('tr');
      tr.dataset.id = r.id;
      tr.appendChild(el('td', 'amt muted', String(r.id)));
      tr.appendChild(el('td', '', unitLabel(r.unit)));
      const name = el('td'), cat = el('td'), count = el('td');
      editable(name, r.name, (x) => send({ op: 'setStaff', id: r.id, name: x }));
      editable(cat, r.category, (x) => send({ op: 'setStaff', id: r.id, category: x }));
      editable(count, String(r.count), (x) => send({ op: 'setStaff', id: r.id, count: x }), true);
      count.dataset.field = 'count';
      tr.append(name, cat, count);
      for (const f of fields) {
        const td = el('td');
        td.dataset.field = f;
        editable(td, r.amounts[f] === undefined ? '' : r.amounts[f], (x) => send({ op: 'setStaff', id: r.id, amounts: { [f]: x } }), true);
        tr.appendChild(td);
      }
      const d = el('td'); d.appendChild(removeButton(`人员信息第 ${r.id} 行（${r.name}）`, { op: 'removeStaff', id: r.id })); tr.appendChild(d);
      tbody.appendChild(tr);
    }
    const u = unitSelect(), n = input('姓名或岗位'), c = input('类别，如 在职'), k = input('人数', 'num');
    const amounts = fields.map(() => input('0.00', 'num'));
    tbody.appendChild(addRow([null, u, n, c, k, ...amounts], () => send({
      op: 'addStaff', unit: u.value, name: n.value, category: c.value, count: k.value,
      amounts: Object.fromEntries(fields.map((f, i) => [f, amounts[i].value]).filter(([, v]) => v.trim() !== '')),
    })));
  }
  table.appendChild(tbody);
  const count = current === 'staff' ? data.rows.length : data.length;
  $('sheet-count').textContent = `${TITLES[current]} ${count} 行`;
  box.replaceChildren(table);
}

export async function openSheet(name) {
  current = name || current;
  for (const b of document.querySelectorAll('#sheet-tabs button')) b.classList.toggle('on', b.dataset.sheet === current);
  $('tree-pane').hidden = true;
  $('tables-pane').hidden = true;
  $('sheets-pane').hidden = false;
  await load();
}

function closeSheets() {
  $('sheets-pane').hidden = true;
  $('tree-pane').hidden = false;
  renderTree();
}

export function wireSheets() {
  $('btn-sheets').onclick = () => ($('sheets-pane').hidden ? openSheet() : closeSheets());
  $('sheets-close').onclick = closeSheets;
  for (const b of document.querySelectorAll('#sheet-tabs button')) b.onclick = () => openSheet(b.dataset.sheet);
  $('sheet-moved').onclick = () => {
    const ids = S.sheetMoved || [];
    if (!ids.length) return;
    S.picked = null;
    renderTree();
    setFilter({ ids: ids.join(',') }, `随之重算的 ${ids.length} 行明细`);
  };
  S.openSheet = openSheet;
}
