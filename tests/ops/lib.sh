# shellcheck shell=bash
# Shared by the operations tests (tests/ops/*_test.sh; sourced, not run): a temporary
# folder removed at exit, processes started here and stopped at exit — also when a test
# fails —, a register built with the real binary, `fupin serve` on 127.0.0.1 with a port the
# system picks, and an HTTP login with curl. FUPIN_BIN names the binary (ctest sets it).
set -euo pipefail

OPS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FUPIN=${FUPIN_BIN:-$OPS_ROOT/build/fupin}
PASSWORD=Demo-2026-fupin
COUNTY=620422
[ -x "$FUPIN" ] || {
  echo "no fupin binary at $FUPIN: build the fupin target first" >&2
  exit 1
}
export FUPIN_NOW=${FUPIN_NOW:-2026-06-30T10:00:00+08:00}

# World-readable (mode 0755): the user postgres, who runs the test servers when the tests
# run as root, must reach the folders given to it below.
OPS_TMP=$(mktemp -d /tmp/fupin-ops-XXXXXX)
chmod 0755 "$OPS_TMP"
OPS_PIDS=()
OPS_ON_EXIT=()

ops_cleanup() {
  local status=$?
  local pid hook
  for pid in "${OPS_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${OPS_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for hook in "${OPS_ON_EXIT[@]}"; do eval "$hook" >/dev/null 2>&1 || true; done
  rm -rf "$OPS_TMP"
  if [ $status -eq 0 ]; then echo "PASS"; else echo "FAIL (exit $status)"; fi
  exit $status
}
trap ops_cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "-- $*"; }

# fupin with the database DB: `fu DB ARGS…`.
fu() {
  local db=$1
  shift
  "$FUPIN" --db "$db" "$@"
}

# Builds a register at DB: the test regions, a generated county of 200 households, the demo
# account `county` (county_admin of COUNTY) and audit records (a user added, an export).
build_register() {
  local db=$1 gen=$OPS_TMP/gen
  fu "$db" init >/dev/null
  fu "$db" regions load >/dev/null
  fu "$db" generate --county "$COUNTY" --households 200 --seed 1 --out "$gen" >/dev/null 2>&1
  fu "$db" import "$gen/households.csv" "$gen/members.csv" >/dev/null 2>&1
  echo "$PASSWORD" | fu "$db" user add county --role county_admin --region "$COUNTY" --password-stdin >/dev/null 2>&1
  fu "$db" export --region "$COUNTY" --out "$OPS_TMP/first-export" >/dev/null 2>&1
}

# A second county's households into DB: a change after the backup.
change_register() {
  local db=$1 gen=$OPS_TMP/gen2
  fu "$db" generate --county 620421 --households 30 --seed 2 --out "$gen" >/dev/null 2>&1
  fu "$db" import "$gen/households.csv" "$gen/members.csv" >/dev/null 2>&1
}

# The register's export (both CSVs of every region) into DIR.
export_to() {
  local db=$1 dir=$2
  fu "$db" export --out "$dir" >/dev/null 2>&1 || fail "fupin export of $db failed"
  [ -s "$dir/households.csv" ] || fail "the export of $db has no households.csv"
}

# Starts `fupin --db DB serve [ARGS…]` on 127.0.0.1:0 (environment: the caller's); sets
# SERVE_URL and SERVE_PID. Its output goes to a log of $OPS_TMP.
start_serve() {
  local db=$1 log
  shift
  log=$(mktemp "$OPS_TMP/serve-XXXXXX")
  "$FUPIN" --db "$db" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
  SERVE_PID=$!
  OPS_PIDS+=("$SERVE_PID")
  SERVE_URL=
  for _ in $(seq 150); do
    SERVE_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)
    [ -n "$SERVE_URL" ] && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || fail "fupin serve on $db exited: $(tail -5 "$log")"
    sleep 0.1
  done
  fail "fupin serve on $db printed no address within 15 s: $(tail -5 "$log")"
}

# Stops a server of start_serve: SIGTERM, and its exit status must be 0.
stop_serve() {
  local pid=$1 status=0
  kill -TERM "$pid"
  wait "$pid" || status=$?
  [ $status -eq 0 ] || fail "fupin serve exited with $status on SIGTERM"
}

# POST /api/v1/session as USER at BASE (201): prints the token, fails the test otherwise.
login() {
  local base=$1 user=$2 body code
  body=$(mktemp "$OPS_TMP/login-XXXXXX")
  code=$(curl -s -o "$body" -w '%{http_code}' -X POST "$base/api/v1/session" \
    -H 'Content-Type: application/json' -d "{\"username\":\"$user\",\"password\":\"$PASSWORD\"}")
  [ "$code" = 201 ] || fail "login of $user at $base: HTTP $code $(cat "$body")"
  jq -er ".data.token" "$body" || fail "login of $user: no token in $(cat "$body")"
}

# GET PATH at BASE with TOKEN: prints the body; fails unless 200.
get_ok() {
  local base=$1 token=$2 path=$3 body code
  body=$(mktemp "$OPS_TMP/get-XXXXXX")
  code=$(curl -s -o "$body" -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")
  [ "$code" = 200 ] || fail "GET $path: HTTP $code $(cat "$body")"
  cat "$body"
}

# Asserts that two export folders hold the same files.
same_export() {
  local a=$1 b=$2 what=$3 f
  for f in households.csv members.csv; do
    cmp -s "$a/$f" "$b/$f" || fail "$what: $f differs ($(diff "$a/$f" "$b/$f" | head -3))"
  done
}

# Reads the register over HTTP (URL, TOKEN) in a loop in the background — each read an
# audit record — until stop_reader, which waits for the loop to end.
start_reader() {
  local url=$1 token=$2
  rm -f "$OPS_TMP/stop-reading"
  (
    while [ ! -e "$OPS_TMP/stop-reading" ]; do
      curl -s -o /dev/null -H "Authorization: Bearer $token" "$url/api/v1/households?page=1&size=20"
      curl -s -o /dev/null -H "Authorization: Bearer $token" "$url/api/v1/regions/$COUNTY/summary"
    done
  ) &
  OPS_PIDS+=("$!")
  OPS_READER=$!
}
stop_reader() {
  touch "$OPS_TMP/stop-reading"
  wait "$OPS_READER"
}
