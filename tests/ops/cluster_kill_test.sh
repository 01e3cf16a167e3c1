#!/usr/bin/env bash
# An import into a three-shard cluster loses a shard (kill -9 of its postmaster) half-way:
# the counties written stay written, the batch is left open, `fupin cluster check` reports
# it (its counties written and not), and `cluster check --finish` with the same files gives
# the register that an uninterrupted import gives (the same export as the same files
# imported into SQLite), with person_index and the aggregates consistent (issue 15; DESIGN.md
# Storage, rule 6; docs/cluster.md).
source "$(dirname "$0")/lib.sh"

PG_BIN=/usr/lib/postgresql/15/bin
COUNTIES="620402 620403 620421 620422 620423"
cluster=$OPS_TMP/cluster
export FUPIN_AUDIT_KEY=$OPS_TMP/cluster.key

step "a three-shard cluster, its regions, five counties of 300 households generated"
# synchronous_commit on, as in production (the test servers turn it off for speed): a commit
# acknowledged before the kill must survive it, or the batch's record of it means nothing.
coordinator=$(PG_TEST_SERVER_SETTINGS='synchronous_commit = on' \
  "$OPS_ROOT/scripts/pg-test-cluster" start "$cluster" | head -1) ||
  fail "pg-test-cluster start failed"
OPS_ON_EXIT+=("'$OPS_ROOT/scripts/pg-test-cluster' stop '$cluster'")
sql() { "$PG_BIN/psql" -qtAX -v ON_ERROR_STOP=1 "$1" -c "$2"; }
fu "$coordinator" init >/dev/null
fu "$coordinator" regions load >/dev/null
files=("$OPS_TMP/households.csv" "$OPS_TMP/members.csv")
for county in $COUNTIES; do
  fu "$coordinator" generate --county "$county" --households 300 --seed 3 --out "$OPS_TMP/g$county" >/dev/null 2>&1
  for f in households.csv members.csv; do
    if [ -f "$OPS_TMP/$f" ]; then tail -n +2 "$OPS_TMP/g$county/$f" >>"$OPS_TMP/$f"; else cp "$OPS_TMP/g$county/$f" "$OPS_TMP/$f"; fi
  done
done

# The county to lose: one whose shard holds it while another shard holds another county.
shard_of() {
  sql "$coordinator" "SELECT p.node_id || ' ' || p.remainder FROM cluster.partitions p, cluster.settings s
    WHERE p.table_name = 'households' AND
    satisfies_hash_partition('public.households'::regclass, s.partitions, p.remainder, ${1}000000::bigint)"
}
declare -A shard remainder
for county in $COUNTIES; do
  read -r shard[$county] remainder[$county] <<<"$(shard_of "$county")"
done
victim='' victim_shard=''
for county in $COUNTIES; do
  for other in $COUNTIES; do
    if [ "${shard[$other]}" != "${shard[$county]}" ]; then victim=$county victim_shard=${shard[$county]}; fi
  done
  [ -z "$victim" ] || break
done
[ -n "$victim" ] || fail "the five counties are all on one shard"
shard_url=$(sql "$coordinator" "SELECT url FROM cluster.nodes WHERE id = $victim_shard")
# The county's history partition: a lock on it holds the county's write (at its commit) only.
partition=$(printf 'household_history_p%02d' "${remainder[$victim]}")
step "county $victim is on shard $victim_shard ($partition); its shard is held, then killed"

# A session on the shard holds the county's partition: the county's write waits for it.
"$PG_BIN/psql" -qX "$shard_url" -c "BEGIN; LOCK TABLE $partition IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);" \
  >/dev/null 2>&1 &
holder=$!
OPS_PIDS+=("$holder")
for _ in $(seq 100); do
  [ "$(sql "$shard_url" "SELECT count(*) FROM pg_locks WHERE relation = '$partition'::regclass AND granted")" != 0 ] && break
  sleep 0.1
done

"$FUPIN" --lang en --db "$coordinator" import "${files[@]}" >"$OPS_TMP/import.out" 2>"$OPS_TMP/import.err" &
importer=$!
OPS_PIDS+=("$importer")
# Killed once another county is written and the shard's write waits for the partition.
killed=0
for _ in $(seq 600); do
  done_counties=$(sql "$coordinator" "SELECT count(*) FROM cluster.batch_counties WHERE done" 2>/dev/null || echo 0)
  waiting=$(sql "$shard_url" "SELECT count(*) FROM pg_locks WHERE NOT granted" 2>/dev/null || echo 0)
  if [ "$done_counties" -ge 1 ] && [ "$waiting" -ge 1 ]; then
    kill -9 "$(head -1 "$cluster/node$victim_shard/data/postmaster.pid")"
    killed=1
    break
  fi
  kill -0 "$importer" 2>/dev/null || break
  sleep 0.05
done
[ $killed = 1 ] || fail "the import never waited for shard $victim_shard: $(cat "$OPS_TMP/import.err")"
status=0
wait "$importer" || status=$?
[ $status -ne 0 ] || fail "the import succeeded though shard $victim_shard was killed"
grep -q "cluster check" "$OPS_TMP/import.err" || fail "the import's error does not say to run cluster check: $(cat "$OPS_TMP/import.err")"

step "the shard restarted; cluster check reports the unfinished batch"
port=$(cat "$cluster/node$victim_shard/port")
rm -f "$cluster/node$victim_shard/data/postmaster.pid"
runuser -u postgres -- "$PG_BIN/pg_ctl" start --pgdata="$cluster/node$victim_shard/data" --wait \
  --timeout=30 --silent --log="$cluster/node$victim_shard/server.log" -o "-p $port" >/dev/null ||
  fail "shard $victim_shard did not restart"
check_status=0
fu "$coordinator" --lang en cluster check --json >"$OPS_TMP/check.json" 2>"$OPS_TMP/check.err" || check_status=$?
[ $check_status -ne 0 ] || fail "cluster check passed with an unfinished batch"
grep -q E_CONFLICT "$OPS_TMP/check.err" || fail "cluster check: $(cat "$OPS_TMP/check.err")"
[ "$(jq '.batches | length' "$OPS_TMP/check.json")" = 1 ] || fail "not one open batch: $(cat "$OPS_TMP/check.json")"
victim_state=$(jq -r ".batches[0].counties[] | select(.county == \"${victim}000000\") | .state" "$OPS_TMP/check.json")
[ "$victim_state" = pending ] || fail "county $victim is '$victim_state', not pending"
written=$(jq '[.batches[0].counties[] | select(.state == "done")] | length' "$OPS_TMP/check.json")
[ "$written" -ge 1 ] || fail "no county was written before the kill"
echo "   $written of 5 counties written before the kill; $victim pending"

step "cluster check --finish with the same files completes it"
fu "$coordinator" cluster check --finish "${files[@]}" >"$OPS_TMP/finish.out" 2>"$OPS_TMP/finish.err" ||
  fail "cluster check --finish failed: $(tail -5 "$OPS_TMP/finish.err")"
fu "$coordinator" cluster check >/dev/null 2>"$OPS_TMP/check2.err" ||
  fail "cluster check after --finish: $(cat "$OPS_TMP/check2.err")"
members=$(sql "$coordinator" "SELECT count(*) FROM members")
persons=$(sql "$coordinator" "SELECT count(*) FROM person_index")
[ "$members" = "$persons" ] || fail "person_index holds $persons rows for $members members"
[ "$members" = $(($(wc -l <"$OPS_TMP/members.csv") - 1)) ] || fail "$members members registered"

step "the register is the one an uninterrupted import gives"
build_plain() {
  local -x FUPIN_AUDIT_KEY=$OPS_TMP/plain.key
  fu "$OPS_TMP/plain.db" init >/dev/null
  fu "$OPS_TMP/plain.db" regions load >/dev/null
  fu "$OPS_TMP/plain.db" import "${files[@]}" >/dev/null 2>&1 || fail "the import into SQLite failed"
}
build_plain
FUPIN_AUDIT_KEY=$OPS_TMP/plain.key export_to "$OPS_TMP/plain.db" "$OPS_TMP/plain-export"
export_to "$coordinator" "$OPS_TMP/cluster-export"
same_export "$OPS_TMP/plain-export" "$OPS_TMP/cluster-export" "the finished cluster batch"
[ "$(FUPIN_AUDIT_KEY=$OPS_TMP/plain.key fu "$OPS_TMP/plain.db" report summary --json)" = "$(fu "$coordinator" report summary --json)" ] ||
  fail "the summaries differ"
