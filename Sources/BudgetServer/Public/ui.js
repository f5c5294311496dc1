// Small helpers for the page: elements, the toast, the status bar.

export const $ = (id) => document.getElementById(id);

/** An element with a class and text. */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

let toastTimer = null;
export function toast(msg, isErr) {
  const t = $('toast');
  t.textContent = msg;
  t.className = isErr ? 'err' : '';
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, isErr ? 9000 : 3000);
}

/** The message on the left of the status bar. */
export function status(msg, isErr) {
  $('status-text').textContent = msg;
  $('status').classList.toggle('err', !!isErr);
}

/** The figures in the middle of the status bar (count and sum, as Excel shows them). */
export function figures(text) { $('status-figures').textContent = text || ''; }

/** A refusal as a clerk reads it: the server's message and its problems. */
export function errorText(e) {
  if (typeof e === 'string') return e;
  let s = e.error || String(e);
  if (e.problems && e.problems.length) s += '\n' + e.problems.slice(0, 10).join('\n') + (e.problems.length > 10 ? `\n……共 ${e.problems.length} 个问题` : '');
  return s;
}
