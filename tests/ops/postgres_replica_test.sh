#!/usr/bin/env bash
# Dashboard reads from a streaming replica: a primary (scripts/pg-test-server) and a hot
# standby made from it with `pg_basebackup -R` (run as the server's owner: the user postgres
# when the test runs as root), on free ports of 127.0.0.1. The register is built on the
# primary after the standby started, so it reaches the standby by streaming replication;
# once the standby has replayed the primary's WAL (pg_last_wal_replay_lsn, polled with a
# bound), the read-only commands give on the standby what they give on the primary, and a
# write against the standby fails with a clear read-only error (exit 1, E_DATABASE), not a
# crash. Both servers are stopped at exit. Run by ctest as ops_postgres_replica.
source "$(dirname "$0")/lib.sh"
scripts=$OPS_ROOT/scripts
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export TMPDIR=$OPS_TMP/scratch # fupin's scratch folder, this test's own
mkdir -p "$TMPDIR"
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

step "a primary, which accepts replication connections from 127.0.0.1"
primary=$("$scripts/pg-test-server" start "$OPS_TMP/pg")
OPS_ON_EXIT+=("'$scripts/pg-test-server' stop '$OPS_TMP/pg'")
primary_port=$(cat "$OPS_TMP/pg/port")
echo "host replication all 127.0.0.1/32 trust" >>"$OPS_TMP/pg/data/pg_hba.conf"
as_owner "$PG_BIN/pg_ctl" reload --pgdata="$OPS_TMP/pg/data" --silent
q() { "$PG_BIN/psql" "$1" -v ON_ERROR_STOP=1 -qAtc "$2"; }
[ "$(q "$primary" 'SHOW wal_level')" = replica ] || fail "the primary's wal_level is not replica"

step "a hot standby of it (pg_basebackup -R), on a port of its own"
rdir=$OPS_TMP/replica
mkdir -p "$rdir"
[ "$(id -u)" -ne 0 ] || chown postgres: "$rdir"
chmod 0700 "$rdir"
OPS_ON_EXIT+=("as_owner '$PG_BIN/pg_ctl' stop --pgdata='$rdir/data' --mode=immediate --wait --silent")
as_owner "$PG_BIN/pg_basebackup" --host=127.0.0.1 --port="$primary_port" --username=fupin \
  --pgdata="$rdir/data" --write-recovery-conf --wal-method=stream --checkpoint=fast \
  >"$OPS_TMP/basebackup.log" 2>&1 || fail "pg_basebackup: $(tail -5 "$OPS_TMP/basebackup.log")"
port=$((20000 + RANDOM % 30000))
for try in $(seq 20); do
  if as_owner "$PG_BIN/pg_ctl" start --pgdata="$rdir/data" --wait --timeout=20 --silent \
    --log="$rdir/server.log" -o "-p $port" >/dev/null 2>&1; then
    break
  fi
  [ "$try" -lt 20 ] || fail "the standby did not start: $(tail -5 "$rdir/server.log")"
  port=$((port + 1 + RANDOM % 100))
done
replica=postgresql://fupin@127.0.0.1:$port/fupin_test
[ "$(q "$replica" 'SELECT pg_is_in_recovery()')" = t ] || fail "the standby is not in recovery"

step "the register is built on the primary"
export FUPIN_AUDIT_KEY=$OPS_TMP/audit.key # the same key serves both: the trail is replicated
build_register "$primary"
fu "$primary" cases list --json >/dev/null 2>&1 || true

step "the standby replays the primary's WAL (within 30 s)"
# Waits until the standby has replayed what the primary has written so far.
caught_up() {
  local lsn i
  lsn=$(q "$primary" 'SELECT pg_current_wal_lsn()')
  for i in $(seq 300); do
    [ "$(q "$replica" "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ] && return 0
    [ "$i" -lt 300 ] || fail "the standby did not replay up to $lsn within 30 s"
    sleep 0.1
  done
}
caught_up

step "read-only commands on the standby give what they give on the primary"
same_on_both() { # fupin-args…
  local a b
  a=$(fu "$primary" "$@" 2>"$OPS_TMP/err") || fail "on the primary, $*: $(cat "$OPS_TMP/err")"
  b=$(fu "$replica" "$@" 2>"$OPS_TMP/err") || fail "on the standby, $*: $(cat "$OPS_TMP/err")"
  [ "$a" = "$b" ] || fail "$* differs on the standby: $(diff <(echo "$a") <(echo "$b") | head -5)"
  [ -n "$a" ] || fail "$* printed nothing"
}
same_on_both report summary --region "$COUNTY" --json
[ "$(fu "$replica" report summary --region "$COUNTY" --json | jq -er .households)" = 200 ] ||
  fail "the standby's summary does not count the 200 households"
same_on_both report summary --json
same_on_both assess exit --year 2020 --region "$COUNTY" --json
same_on_both assess monitor --year 2024 --region "$COUNTY" --json
same_on_both assess regions --year 2020 --level village --region "$COUNTY" --json
same_on_both cases list --json
same_on_both findings list --json
same_on_both funds progress --region "$COUNTY" --year 2026 --json
same_on_both audit verify --json

step "writes against the standby fail with a read-only error, exit 1, and change nothing"
refused_on_standby() { # what fupin-args…
  local what=$1 status=0
  shift
  echo "$PASSWORD" | fu "$replica" "$@" >"$OPS_TMP/out" 2>"$OPS_TMP/err" || status=$?
  [ $status -eq 1 ] || fail "$what on the standby: exit $status (expected 1): $(cat "$OPS_TMP/err")"
  grep -q "E_DATABASE" "$OPS_TMP/err" || fail "$what on the standby names no error code: $(cat "$OPS_TMP/err")"
  grep -Eq "the database is read-only|数据库只读" "$OPS_TMP/err" ||
    fail "$what on the standby does not say read-only: $(cat "$OPS_TMP/err")"
  echo "   $what: $(grep E_DATABASE "$OPS_TMP/err" | head -1)"
}
change=$OPS_TMP/gen2
fu "$primary" generate --county 620421 --households 5 --seed 2 --out "$change" >/dev/null 2>&1
refused_on_standby "an import" import "$change/households.csv" "$change/members.csv"
refused_on_standby "a new user" --lang en user add other --role viewer --region "$COUNTY" --password-stdin
refused_on_standby "an export (an audited read)" export --region "$COUNTY" --out "$OPS_TMP/export-standby"
[ "$(fu "$replica" report summary --json | jq -er .households)" = 200 ] || fail "the standby's register changed"
fu "$replica" audit verify >/dev/null 2>&1 || fail "the standby's trail no longer verifies"

step "a fupin serve on the standby alone does not start: it could not write a session"
rc=0
timeout 20 "$FUPIN" --db "$replica" serve --listen 127.0.0.1:0 >"$OPS_TMP/serve-standby.log" 2>&1 || rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "fupin serve started on the standby (exit $rc)"
grep -q 'E_DATABASE' "$OPS_TMP/serve-standby.log" && grep -q '只读' "$OPS_TMP/serve-standby.log" ||
  fail "fupin serve on the standby does not say read-only: $(tail -3 "$OPS_TMP/serve-standby.log")"
echo "   serve on the standby: $(grep E_DATABASE "$OPS_TMP/serve-standby.log" | head -1)"

step "fupin serve with read_database: sessions on the primary, the dashboard's summary from the standby"
echo "$PASSWORD" | fu "$primary" user add nation --role admin --region 0 --password-stdin >/dev/null 2>&1
caught_up
printf 'read_database = "%s"\n' "$replica" >"$OPS_TMP/server.toml"
start_serve "$primary" --config "$OPS_TMP/server.toml"
token=$(login "$SERVE_URL" nation) # a session written on the primary
province() { get_ok "$SERVE_URL" "$token" /api/v1/regions/62/summary | jq -er .data.households; }
[ "$(province)" = 200 ] || fail "the dashboard's summary is not the register's 200 households"
# The standby stops replaying: the primary's next import reaches the dashboard only after.
q "$replica" 'SELECT pg_wal_replay_pause()' >/dev/null
fu "$primary" import "$change/households.csv" "$change/members.csv" >/dev/null 2>&1
[ "$(fu "$primary" report summary --region 62 --json | jq -er .households)" = 205 ] ||
  fail "the import on the primary did not add its 5 households"
[ "$(province)" = 200 ] || fail "the dashboard's summary did not come from the paused standby"
q "$replica" 'SELECT pg_wal_replay_resume()' >/dev/null
caught_up
[ "$(province)" = 205 ] || fail "the dashboard's summary did not follow the standby once it replayed"
stop_serve "$SERVE_PID"
fu "$primary" audit verify >/dev/null 2>&1 || fail "the primary's trail does not verify"

step "a server whose read_database cannot be opened does not start"
printf 'read_database = "postgresql://fupin@127.0.0.1:1/none?connect_timeout=2"\n' >"$OPS_TMP/bad.toml"
status=0
fu "$primary" serve --listen 127.0.0.1:0 --config "$OPS_TMP/bad.toml" >"$OPS_TMP/out" 2>&1 || status=$?
[ $status -eq 1 ] || fail "a server with an unreachable read_database: exit $status: $(cat "$OPS_TMP/out")"
grep -q E_DATABASE "$OPS_TMP/out" || fail "no E_DATABASE for the unreachable read_database: $(cat "$OPS_TMP/out")"
