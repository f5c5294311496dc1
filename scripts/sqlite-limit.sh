#!/usr/bin/env bash
# SQLite's own limit for our schema: how long the sqlite3 shell takes to write the same rows into
# an empty workspace of the same schema, with the settings `budget load` uses (no journal, no sync,
# a 64 MiB cache, foreign keys checked once at the end). It is the floor under `budget load`'s
# write: parsing, validation, the roll-up and our own statements come on top of it.
#
#   scripts/sqlite-limit.sh WORKSPACE        (a workspace `budget load` wrote, e.g. of 10^6 lines)
#
# It copies the workspace's rows into a scratch file, then times, each on its own, the inserts of
# every table's rows in id order, the (unit, project) index build and the foreign-key check.
# A benchmark, not a test.
set -euo pipefail
ws=${1:?usage: scripts/sqlite-limit.sh WORKSPACE}
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$ws" "$scratch/source.budget"
[ -f "$ws-wal" ] && cp "$ws-wal" "$scratch/source.budget-wal"
# The source's rows, in a plain database the timed inserts read from (in the page cache after this).
sqlite3 "$scratch/source.budget" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
lines=$(sqlite3 "$scratch/source.budget" "SELECT count(*) FROM item")
# An empty database of exactly the workspace's schema (tables, indexes, triggers), without the
# rows: the schema SQL of every object, in creation order.
sqlite3 "$scratch/source.budget" "SELECT sql || ';' FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid" > "$scratch/schema.sql"
tables=$(sqlite3 "$scratch/source.budget" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
run() {
  rm -f "$scratch/t.budget"
  sqlite3 "$scratch/t.budget" < "$scratch/schema.sql"
  {
    echo "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; PRAGMA foreign_keys = OFF;"
    echo "ATTACH '$scratch/source.budget' AS s;"
    # Everything but the line items first (codes, units, projects …), untimed.
    for t in $tables; do [ "$t" = item ] || echo "INSERT INTO main.$t SELECT * FROM s.$t;"; done
    echo "DROP INDEX IF EXISTS item_by_unit_project;"
    echo "DROP INDEX IF EXISTS item_with_basis;"
    echo ".timer on"
    echo "BEGIN; INSERT INTO main.item SELECT * FROM s.item ORDER BY id; COMMIT;"
    echo "CREATE INDEX item_by_unit_project ON item(unit, project);"
    echo "CREATE INDEX item_with_basis ON item(id) WHERE basis IS NOT NULL;"
    echo "PRAGMA foreign_key_check;"
    echo ".timer off"
  } | sqlite3 "$scratch/t.budget" | grep -E '^Run Time' | awk '{print $4}'
}
echo "$lines lines; sqlite3 $(sqlite3 --version | cut -d' ' -f1); each step's real time in s"
echo "run  insert  index(unit,project)  index(basis)  foreign-key-check  total"
for i in 1 2 3; do
  mapfile -t t < <(run)
  total=$(printf "%.3f" "$(echo "${t[0]} + ${t[1]} + ${t[2]} + ${t[3]}" | bc)")
  printf '%s    %s  %s               %s         %s              %s\n' "$i" "${t[0]}" "${t[1]}" "${t[2]}" "${t[3]}" "$total"
done
