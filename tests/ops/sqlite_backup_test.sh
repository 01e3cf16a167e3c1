#!/usr/bin/env bash
# A SQLite register backed up while `fupin serve` runs on it and answers requests
# (scripts/backup-sqlite), changed afterwards, and restored into a fresh place
# (scripts/restore-sqlite): the restored register exports exactly what it exported when the
# backup was taken, not the change; its audit trail verifies; a server started on it lets
# the demo account sign in. And what the scripts refuse: a backup without its audit key, a
# backup whose files were altered, a restore over an existing register, a backup of a
# register whose key is missing. Run by ctest as ops_backup_sqlite.
source "$(dirname "$0")/lib.sh"
scripts=$OPS_ROOT/scripts
db=$OPS_TMP/live/fupin.db
mkdir -p "$OPS_TMP/live" "$OPS_TMP/restored"

step "a register with households, an account and audit records"
build_register "$db"

step "fupin serve runs on it, and a client keeps reading through it"
start_serve "$db"
live=$SERVE_URL
live_pid=$SERVE_PID
token=$(login "$live" county)
households=$(get_ok "$live" "$token" "/api/v1/regions/$COUNTY/summary" | jq -er '.data.households')
[ "$households" = 200 ] || fail "the live summary counts $households households, not 200"
# Reads (each an audit record of the accounts file) while the backup is taken.
start_reader "$live" "$token"

step "the export at backup time, then the backup while the server runs"
export_to "$db" "$OPS_TMP/at-backup"
"$scripts/backup-sqlite" "$db" "$OPS_TMP/backup"
for f in register.db accounts.db audit.key MANIFEST SHA256SUMS; do
  [ -f "$OPS_TMP/backup/$f" ] || fail "the backup has no $f"
done
[ "$(stat -c %a "$OPS_TMP/backup/audit.key")" = 600 ] || fail "the backup's key is not mode 0600"
audit_at_backup=$(sed -n 's/^audit records: //p' "$OPS_TMP/backup/MANIFEST")
[ "$audit_at_backup" -ge 3 ] || fail "the backup holds $audit_at_backup audit records, expected some"

step "the register changes after the backup (a second county, while the server runs)"
change_register "$db"
stop_reader
export_to "$db" "$OPS_TMP/after-change"
if cmp -s "$OPS_TMP/at-backup/households.csv" "$OPS_TMP/after-change/households.csv"; then
  fail "the change after the backup did not change the export: the test would prove nothing"
fi
stop_serve "$live_pid"

step "restored into a fresh place, it is the register of backup time"
restored=$OPS_TMP/restored/fupin.db
"$scripts/restore-sqlite" "$OPS_TMP/backup" "$restored"
[ "$(stat -c %a "$restored-audit.key")" = 600 ] || fail "the restored key is not mode 0600"
export_to "$restored" "$OPS_TMP/restored-export"
same_export "$OPS_TMP/at-backup" "$OPS_TMP/restored-export" "restored vs backup time"

step "its audit trail verifies"
fu "$restored" audit verify >"$OPS_TMP/verify.out" 2>&1 || fail "audit verify on the restored register: $(cat "$OPS_TMP/verify.out")"

step "a server on the restored register lets the demo account sign in"
start_serve "$restored"
token=$(login "$SERVE_URL" county)
households=$(get_ok "$SERVE_URL" "$token" "/api/v1/regions/$COUNTY/summary" | jq -er '.data.households')
[ "$households" = 200 ] || fail "the restored summary counts $households households, not 200"
nation=$(fu "$restored" report summary --json | jq -er '.households')
[ "$nation" = 200 ] || fail "the restored register holds $nation households, not the 200 of backup time"
stop_serve "$SERVE_PID"
fu "$restored" audit verify >/dev/null 2>&1 || fail "the trail continued on the restored register does not verify"

step "refused: a backup without its audit key"
cp -a "$OPS_TMP/backup" "$OPS_TMP/no-key"
rm "$OPS_TMP/no-key/audit.key"
if "$scripts/restore-sqlite" "$OPS_TMP/no-key" "$OPS_TMP/restored/second.db" 2>"$OPS_TMP/err"; then
  fail "a backup without its audit key was restored"
fi
grep -q "no audit key (audit.key)" "$OPS_TMP/err" || fail "unclear refusal: $(cat "$OPS_TMP/err")"
grep -q "审计密钥" "$OPS_TMP/err" || fail "the refusal has no Chinese: $(cat "$OPS_TMP/err")"
[ ! -e "$OPS_TMP/restored/second.db" ] && [ ! -e "$OPS_TMP/restored/second.db-accounts" ] ||
  fail "the refused restore wrote files"

step "refused: a backup whose files were altered"
cp -a "$OPS_TMP/backup" "$OPS_TMP/altered"
printf 'x' >>"$OPS_TMP/altered/accounts.db"
if "$scripts/restore-sqlite" "$OPS_TMP/altered" "$OPS_TMP/restored/third.db" 2>"$OPS_TMP/err"; then
  fail "an altered backup was restored"
fi
grep -q "SHA256SUMS" "$OPS_TMP/err" || fail "unclear refusal: $(cat "$OPS_TMP/err")"
[ ! -e "$OPS_TMP/restored/third.db" ] || fail "the refused restore wrote the register"

step "refused: a restore over an existing register (which stays as it was)"
before=$(sha256sum <"$restored")
if "$scripts/restore-sqlite" "$OPS_TMP/backup" "$restored" 2>"$OPS_TMP/err"; then
  fail "a restore over an existing register went through"
fi
grep -q "exists" "$OPS_TMP/err" || fail "unclear refusal: $(cat "$OPS_TMP/err")"
[ "$(sha256sum <"$restored")" = "$before" ] || fail "the refused restore changed the register"

step "refused: a backup of a register whose audit key is missing"
mv "$restored-audit.key" "$OPS_TMP/moved.key"
if "$scripts/backup-sqlite" "$restored" "$OPS_TMP/backup2" 2>"$OPS_TMP/err"; then
  fail "a register without its key was backed up"
fi
grep -q "no audit key" "$OPS_TMP/err" || fail "unclear refusal: $(cat "$OPS_TMP/err")"
[ ! -e "$OPS_TMP/backup2" ] || fail "the refused backup left a folder"
"$scripts/backup-sqlite" --key "$OPS_TMP/moved.key" "$restored" "$OPS_TMP/backup2" >/dev/null ||
  fail "a backup naming the key with --key failed"
cmp -s "$OPS_TMP/moved.key" "$OPS_TMP/backup2/audit.key" || fail "--key did not take the named key"
