# Usage mistakes get one clear line and exit 2; --help works for each command.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/checkout_what_if.yaml"

expect_exit 0 "$JOURNEYSIM" --help
expect_in "$WORK/out" "validate"
expect_exit 0 "$JOURNEYSIM" run --help
expect_in "$WORK/out" "--agents"
expect_exit 0 "$JOURNEYSIM" validate --help
expect_exit 2 "$JOURNEYSIM" frobnicate
expect_exit 2 "$JOURNEYSIM" run
expect_exit 2 "$JOURNEYSIM" run "$scenario" --no-such-option
expect_exit 2 "$JOURNEYSIM" run "$scenario" --agents lots -o "$WORK/x.h5"
expect_in "$WORK/err" "--agents"
expect_exit 2 "$JOURNEYSIM" run "$scenario" --variant simplifed_checkout -o "$WORK/x.h5"
expect_in "$WORK/err" "did you mean 'simplified_checkout'"
# What --set cannot change says which option does.
expect_exit 2 "$JOURNEYSIM" run "$scenario" --set population=5 -o "$WORK/x.h5"
expect_in "$WORK/err" "cannot be set by a variant: all variants share the same agents and days (use --agents)"
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" --set horizon_days=30,60 --dry-run
expect_in "$WORK/err" "(change horizon_days: in the scenario file)"
expect_exit 2 "$JOURNEYSIM" run "$WORK/missing.yaml" -o "$WORK/x.h5"
expect_in "$WORK/err" "missing.yaml"
[ ! -e "$WORK/x.h5" ] || fail "a results file was written for bad input"
# A runtime failure (unwritable place) is exit 1, one line, no HDF5 dump.
expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/no/such/dir/x.h5" --agents 100
[ "$(wc -l < "$WORK/err")" -eq 1 ] || fail "more than one line on stderr: $(cat "$WORK/err")"
grep -q "HDF5-DIAG" "$WORK/err" && fail "HDF5 error stack reached the user"

expect_exit 0 "$JOURNEYSIM" validate "$scenario"
expect_in "$WORK/out" "OK"
expect_in "$WORK/out" "awareness → interest"
expect_in "$WORK/out" "gen_x_desktop"
expect_in "$WORK/out" "checkout (website, moment_of_truth)"
expect_in "$WORK/out" "cart_remarketing"
finish
