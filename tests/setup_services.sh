#!/usr/bin/env bash
# Make sure the engines the service tests start themselves are installed: Debian's PostgreSQL
# server (tests/services.py runs initdb and pg_ctl on 127.0.0.1, as the postgres user when run
# as root). Idempotent. Ray comes from pip (tests/requirements.txt).
# If PostgreSQL cannot be installed, prints a loud warning and exits 0 (those tests are then
# skipped) -- except under CI=true, where it exits 1 (they must run in CI).
set -u

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    exit 0
fi

reason=""
if [ "$(id -u)" != "0" ]; then
    reason="not running as root (cannot apt-get install postgresql)"
elif ! command -v apt-get >/dev/null 2>&1; then
    reason="apt-get is not available (not a Debian/Ubuntu system)"
else
    echo "setup_services: installing Debian's postgresql with apt-get (for the store's tests)..."
    log="$(mktemp)"
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >>"$log" 2>&1 \
        && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        rm -f "$log"
        exit 0
    fi
    reason="apt-get install postgresql failed; last lines of its output:
$(tail -n 15 "$log")"
    rm -f "$log"
fi

cat >&2 <<MSG

##########################################################################
#  WARNING: PostgreSQL's server programs are NOT installed
#  Reason: $reason
#
#  The tests that need a PostgreSQL server will be SKIPPED
#  (under CI=true they FAIL instead).
#  To run them, install Debian's PostgreSQL as root:
#      apt-get update && apt-get install -y postgresql
##########################################################################

MSG

if [ "${CI:-}" = "true" ]; then
    echo "setup_services: CI=true, so a missing PostgreSQL is an error." >&2
    exit 1
fi
exit 0
