#!/usr/bin/env bash
# SQLite's own limit for a replacing import's write (`budget import WS FILE --replace`): how long
# the sqlite3 shell takes to write exactly the rows our import writes, in one transaction, into a
# copy of the workspace as it was before, with the workspace's own settings (WAL, synchronous
# FULL, a 64 MiB cache, foreign keys on), commit and checkpoint included. The rows come from the
# workspace after the import: a 'rm' change-log row per old line, the new lines, their indexes,
# the kept sums, an 'add' change-log row per new line. Reading the input workbook and checking it
# come on top (`scripts/xlsx-read-floor.py` is the floor under the read).
#
#   scripts/sqlite-import-limit.sh BEFORE.budget AFTER.budget   (AFTER: BEFORE after the import)
#
# A benchmark, not a test.
set -euo pipefail
before=${1:?usage: scripts/sqlite-import-limit.sh BEFORE.budget AFTER.budget}
after=${2:?usage: scripts/sqlite-import-limit.sh BEFORE.budget AFTER.budget}
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$after" "$scratch/after.budget"
[ -f "$after-wal" ] && cp "$after-wal" "$scratch/after.budget-wal"
sqlite3 "$scratch/after.budget" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
old=$(sqlite3 "$scratch/after.budget" "SELECT count(*) FROM change_log WHERE action = 'rm'")
new=$(sqlite3 "$scratch/after.budget" "SELECT count(*) FROM item")
indexes=$(sqlite3 "$scratch/after.budget" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item' AND sql IS NOT NULL ORDER BY name")
run() {
  cp "$before" "$scratch/t.budget"; rm -f "$scratch/t.budget-wal" "$scratch/t.budget-shm"
  [ -f "$before-wal" ] && cp "$before-wal" "$scratch/t.budget-wal"
  sqlite3 "$scratch/t.budget" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  # The source rows in the page cache, as ours has its input in memory.
  cat "$scratch/after.budget" > /dev/null
  {
    echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536; PRAGMA foreign_keys = ON;"
    echo "ATTACH '$scratch/after.budget' AS s;"
    echo ".timer on"
    echo "BEGIN;"
    echo "INSERT INTO main.change_log SELECT * FROM s.change_log WHERE action = 'rm' ORDER BY id;"
    echo "DROP TABLE rollup_node; DROP TABLE item;"
    sqlite3 "$scratch/after.budget" "SELECT sql || ';' FROM sqlite_master WHERE type = 'table' AND name IN ('item', 'rollup_node') ORDER BY CASE name WHEN 'item' THEN 0 ELSE 1 END" | tr '\n' ' '
    echo
    echo "INSERT INTO main.item SELECT * FROM s.item ORDER BY id;"
    echo "$indexes" | tr '\n' ' '
    echo
    echo "INSERT INTO main.rollup_node SELECT * FROM s.rollup_node;"
    echo "INSERT INTO main.change_log SELECT * FROM s.change_log WHERE action = 'add' ORDER BY id;"
    echo "COMMIT;"
    echo "DETACH s;"
    echo ".timer off"
  } | sqlite3 "$scratch/t.budget" | grep -E '^Run Time' | awk '{print $4}'
  # The last connection's close checkpoints the WAL into the file, as ours does.
  local t0 t1; t0=$(date +%s.%N); sqlite3 "$scratch/t.budget" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
echo "$old lines out, $new lines in; sqlite3 $(sqlite3 --version | cut -d' ' -f1); each step's real time in s"
echo "run  log-rm  drop+create  insert  indexes  kept  log-add  commit  checkpoint  total"
for i in 1 2 3; do
  # One time per line the shell ran: BEGIN, log-rm, the drops, the creates, insert, indexes, kept, log-add, COMMIT, DETACH; then the checkpoint.
  mapfile -t t < <(run)
  total=$(printf "%.3f" "$(IFS=+; echo "${t[*]}" | bc)")
  printf '%s    %.3f   %.3f        %.3f   %.3f    %.3f  %.3f    %.3f   %.3f       %s\n' "$i" "${t[1]}" "$(echo "${t[2]} + ${t[3]}" | bc)" \
    "${t[4]}" "${t[5]}" "${t[6]}" "${t[7]}" "${t[8]}" "${t[10]}" "$total"
done
