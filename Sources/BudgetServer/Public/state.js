// The page's state: what the server said, and where the clerk is. One object, shared by the
// modules (and exposed as window.__budget for the browser tests). Nothing here knows a budget
// rule: amounts arrive as text from the server, tree rows arrive with their keys and cells.

export const ROW = 26;          // row height in px (matches --row in app.css)
export const PAGE = 200;        // grid page size
export const POLL_MS = 500;     // how often to ask the server for others' changes

export const S = {
  meta: null,
  view: 'function',
  money: 'yuan',              // 'yuan' | 'wan': the unit the server formats and parses amounts in
  tree: null,                 // {columns, total, rows, ...} as /api/tree sent it
  rowByKey: new Map(),
  collapsed: new Set(),
  visible: [],                // tree rows shown (after collapse), the 合计 row excluded (it is pinned)
  picked: null,               // tree row key used as grid filter
  filter: {},                 // grid filter (query parameters of /api/items)
  search: '',                 // the search box
  total: 0,                   // grid row count (without the new-line row)
  sumText: '',                // the sum of the filtered lines, as the server printed it
  pages: new Map(),           // page index -> items
  pending: new Set(),         // page indexes being fetched
  sel: { r: 0, c: 1 },        // the cursor cell
  anchor: null,               // the other corner of a selected range, or null
  edit: null,                 // {r, c, mode: 'type'|'f2', picks, pickIndex}
  draft: {},                  // the new-line row: column key -> text as typed or picked
  draftNames: {},             // names shown beside picked codes in the new-line row
  undoLabel: null, redoLabel: null,
  last: 0,
  author: '',
  token: '',
  session: '',
  latencies: [], domLatencies: [],
};
window.__budget = S;
