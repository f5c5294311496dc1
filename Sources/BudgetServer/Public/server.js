// Talking to `budget serve`: reads, and intentions (set, add, paste, remove, undo, redo) that the
// server applies as one step each and answers with what changed.
import { S } from './state.js';

export async function api(method, path, body) {
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

export function qs(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  return p.toString();
}

/** The browser tab's session: its undo and redo steps live on the server under this id. */
export function sessionID() {
  let id = sessionStorage.getItem('budgetSession');
  if (!id) {
    const a = new Uint8Array(12);
    crypto.getRandomValues(a);
    id = 'tab-' + Array.from(a, b => b.toString(16).padStart(2, '0')).join('');
    sessionStorage.setItem('budgetSession', id);
  }
  return id;
}

/** Sends one intention; the answer says what changed (lines, tree rows, undo labels). */
export async function intend(op, fields) {
  const body = { op, session: S.session, author: S.author, view: S.view, money: S.money, ...fields };
  S.lastIntent = body;
  const out = await api('POST', '/api/edit', body);
  S.last = Math.max(S.last, out.last || 0);
  S.undoLabel = out.undo || null;
  S.redoLabel = out.redo || null;
  return out;
}
