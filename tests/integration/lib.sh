# Helpers for the end-to-end tests (sourced). ctest sets JOURNEYSIM, PYTHON,
# SOURCE_DIR and TEST_DATA.
set -euo pipefail
: "${JOURNEYSIM:?}" "${PYTHON:?}" "${SOURCE_DIR:?}" "${TEST_DATA:?}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_exit CODE COMMAND... — runs the command, captures stdout/stderr in
# $WORK/out and $WORK/err, and checks its exit code.
expect_exit() {
  local want=$1; shift
  local got=0
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [ "$got" != "$want" ]; then
    fail "exit $got (wanted $want): $*"; sed 's/^/  stderr: /' "$WORK/err" | head -5 >&2
  fi
}

expect_in() { # expect_in FILE TEXT
  grep -qF -- "$2" "$1" || { fail "'$2' not in $1:"; head -5 "$1" | sed 's/^/  /' >&2; }
}

finish() {
  if ((failures)); then echo "$failures check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}
