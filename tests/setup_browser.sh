#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests (tests/browser),
# with a font for Chinese (fonts-noto-cjk: the Classify page's hotel reviews, Chinese column
# names; without it their screenshots show empty boxes). Idempotent. Never runs `playwright install`: the tests drive the system Chromium via
# executable_path, and browser builds cannot be downloaded here.
# If Chromium cannot be installed, prints a loud warning and exits 0 (browser tests are then
# skipped) -- except under CI=true, where it exits 1 (browser tests must run in CI).
set -u

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 && [ "$(id -u)" = "0" ] \
        && command -v apt-get >/dev/null 2>&1; then
        echo "setup_browser: installing fonts-noto-cjk with apt-get (Chinese in screenshots)..."
        (DEBIAN_FRONTEND=noninteractive apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk) \
            >/dev/null 2>&1 || echo "setup_browser: fonts-noto-cjk could not be installed;" \
            "Chinese text in screenshots will show as boxes (the tests still run)." >&2
    fi
    exit 0
fi

reason=""
if [ "$(id -u)" != "0" ]; then
    reason="not running as root (cannot apt-get install chromium)"
elif ! command -v apt-get >/dev/null 2>&1; then
    reason="apt-get is not available (not a Debian/Ubuntu system)"
else
    echo "setup_browser: installing Debian's chromium with apt-get (for the browser tests)..."
    log="$(mktemp)"
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
            >>"$log" 2>&1 \
        && [ -x "$CHROMIUM" ]; then
        rm -f "$log"
        exit 0
    fi
    reason="apt-get install chromium failed; last lines of its output:
$(tail -n 15 "$log")"
    rm -f "$log"
fi

cat >&2 <<MSG

##########################################################################
#  WARNING: Chromium is NOT available at $CHROMIUM
#  Reason: $reason
#
#  The browser tests (tests/browser) will be SKIPPED
#  (under CI=true they FAIL instead).
#  To run them, install Debian's chromium as root:
#      apt-get update && apt-get install -y chromium
#  (Do not use 'playwright install'; the tests use the system Chromium.)
##########################################################################

MSG

if [ "${CI:-}" = "true" ]; then
    echo "setup_browser: CI=true, so a missing Chromium is an error." >&2
    exit 1
fi
exit 0
