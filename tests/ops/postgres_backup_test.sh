#!/usr/bin/env bash
# A PostgreSQL register backed up (scripts/backup-postgres: pg_dump -Fc of both schemas and
# the audit key) while its server and a `fupin serve` on it answer requests, changed
# afterwards, and restored into a new database of the server (scripts/restore-postgres:
# createdb --locale=C --template=template0, pg_restore): the restored register exports what
# it exported when the backup was taken, its audit trail verifies with the restored key, and
# a server on it lets the demo account sign in. Refused: a backup without its audit key, a
# restore over an existing database (which stays), and a dump that fails to restore leaves no
# database behind. The PostgreSQL server is scripts/pg-test-server's, started and stopped
# here. Run by ctest as ops_postgres_backup.
source "$(dirname "$0")/lib.sh"
scripts=$OPS_ROOT/scripts
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export TMPDIR=$OPS_TMP/scratch # fupin's scratch folder, this test's own
mkdir -p "$TMPDIR"

step "a throwaway PostgreSQL server"
url=$("$scripts/pg-test-server" start "$OPS_TMP/pg")
OPS_ON_EXIT+=("'$scripts/pg-test-server' stop '$OPS_TMP/pg'")
base=${url%/*}
psql_q() { "$PG_BIN/psql" "$base/postgres" -v ON_ERROR_STOP=1 -qAtc "$1"; }
has_db() { [ "$(psql_q "SELECT count(*) FROM pg_database WHERE datname = '$1'")" = 1 ]; }

step "a register with households, an account and audit records"
export FUPIN_AUDIT_KEY=$OPS_TMP/live.key
build_register "$url"

step "fupin serve runs on it, and a client keeps reading through it"
start_serve "$url"
live=$SERVE_URL
live_pid=$SERVE_PID
token=$(login "$live" county)
start_reader "$live" "$token"

step "the export at backup time, then the backup while the servers run"
export_to "$url" "$OPS_TMP/at-backup"
"$scripts/backup-postgres" "$url" "$OPS_TMP/backup"
for f in register.dump audit.key MANIFEST SHA256SUMS; do
  [ -f "$OPS_TMP/backup/$f" ] || fail "the backup has no $f"
done
[ "$(stat -c %a "$OPS_TMP/backup/audit.key")" = 600 ] || fail "the backup's key is not mode 0600"

step "the register changes after the backup"
change_register "$url"
stop_reader
export_to "$url" "$OPS_TMP/after-change"
if cmp -s "$OPS_TMP/at-backup/households.csv" "$OPS_TMP/after-change/households.csv"; then
  fail "the change after the backup did not change the export: the test would prove nothing"
fi
stop_serve "$live_pid"

step "restored into a new database, it is the register of backup time"
restored=$base/fupin_restored
unset FUPIN_AUDIT_KEY
"$scripts/restore-postgres" --key "$OPS_TMP/restored.key" "$OPS_TMP/backup" "$restored"
[ "$(psql_q "SELECT datcollate FROM pg_database WHERE datname = 'fupin_restored'")" = C ] ||
  fail "the restored database does not have the C collation"
export FUPIN_AUDIT_KEY=$OPS_TMP/restored.key
export_to "$restored" "$OPS_TMP/restored-export"
same_export "$OPS_TMP/at-backup" "$OPS_TMP/restored-export" "restored vs backup time"
nation=$(fu "$restored" report summary --json | jq -er '.households')
[ "$nation" = 200 ] || fail "the restored register holds $nation households, not the 200 of backup time"

step "its audit trail verifies with the restored key"
fu "$restored" audit verify >"$OPS_TMP/verify.out" 2>&1 || fail "audit verify on the restored register: $(cat "$OPS_TMP/verify.out")"

step "a server on the restored register lets the demo account sign in"
start_serve "$restored"
token=$(login "$SERVE_URL" county)
households=$(get_ok "$SERVE_URL" "$token" "/api/v1/regions/$COUNTY/summary" | jq -er '.data.households')
[ "$households" = 200 ] || fail "the restored summary counts $households households, not 200"
stop_serve "$SERVE_PID"
fu "$restored" audit verify >/dev/null 2>&1 || fail "the trail continued on the restored register does not verify"
unset FUPIN_AUDIT_KEY

step "refused: a backup without its audit key (no database is created)"
cp -a "$OPS_TMP/backup" "$OPS_TMP/no-key"
rm "$OPS_TMP/no-key/audit.key"
if "$scripts/restore-postgres" --key "$OPS_TMP/k2" "$OPS_TMP/no-key" "$base/fupin_second" 2>"$OPS_TMP/err"; then
  fail "a backup without its audit key was restored"
fi
grep -q "no audit key (audit.key)" "$OPS_TMP/err" || fail "unclear refusal: $(cat "$OPS_TMP/err")"
! has_db fupin_second || fail "the refused restore created the database"
[ ! -e "$OPS_TMP/k2" ] || fail "the refused restore wrote the key"

step "refused: a restore over an existing database, which stays as it was"
if "$scripts/restore-postgres" --key "$OPS_TMP/k3" "$OPS_TMP/backup" "$restored" 2>"$OPS_TMP/err"; then
  fail "a restore over an existing database went through"
fi
grep -q "already exists" "$OPS_TMP/err" || fail "unclear refusal: $(cat "$OPS_TMP/err")"
has_db fupin_restored || fail "the refused restore dropped the existing database"
FUPIN_AUDIT_KEY=$OPS_TMP/restored.key fu "$restored" audit verify >/dev/null 2>&1 ||
  fail "the existing database no longer verifies after a refused restore"

step "a dump that fails to restore leaves no database behind"
cp -a "$OPS_TMP/backup" "$OPS_TMP/broken"
size=$(stat -c %s "$OPS_TMP/broken/register.dump")
truncate -s $((size * 2 / 3)) "$OPS_TMP/broken/register.dump"
(cd "$OPS_TMP/broken" && sha256sum register.dump audit.key MANIFEST >SHA256SUMS)
if "$scripts/restore-postgres" --key "$OPS_TMP/k4" "$OPS_TMP/broken" "$base/fupin_broken" 2>"$OPS_TMP/err"; then
  fail "a truncated dump was restored"
fi
grep -q "pg_restore failed" "$OPS_TMP/err" || fail "unclear refusal: $(cat "$OPS_TMP/err")"
! has_db fupin_broken || fail "a failed restore left its database behind"
[ ! -e "$OPS_TMP/k4" ] || fail "a failed restore wrote the key"

step "refused: a backup of a register whose audit key is not named"
if "$scripts/backup-postgres" "$url" "$OPS_TMP/backup2" 2>"$OPS_TMP/err"; then
  fail "a register was backed up without its key"
fi
grep -q "audit key" "$OPS_TMP/err" || fail "unclear refusal: $(cat "$OPS_TMP/err")"
[ ! -e "$OPS_TMP/backup2" ] || fail "the refused backup left a folder"
