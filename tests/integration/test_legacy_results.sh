# Model-v1 scenarios keep their results bit for bit: every dataset and
# attribute of files made before model v2 (arrivals, triggers, budgets,
# money, referrals) is pinned by a digest (tests/python/results_digest.py);
# datasets added later are allowed, changed ones are not. They were made
# with random stream 1, which `--random-stream 1` selects (MODEL.md
# "Randomness").
source "$(dirname "$0")/lib.sh"
legacy="$TEST_DATA/legacy"

for threads in 1 2; do
  expect_exit 0 "$JOURNEYSIM" run "$legacy/checkout_what_if_v1.yaml" --agents 20000 --seed 11 \
    --random-stream 1 --threads "$threads" -o "$WORK/a$threads.h5" --quiet
  expect_exit 0 "$PYTHON" "$SOURCE_DIR/tests/python/results_digest.py" check "$WORK/a$threads.h5" \
    "$legacy/checkout_what_if_v1.digest"
  expect_in "$WORK/out" "380 of 380 pinned entries equal"
done
expect_exit 0 "$JOURNEYSIM" run "$legacy/what_if_journey_v1.yaml" --agents 20000 --seed 5 --random-stream 1 -o "$WORK/b.h5" --quiet
expect_exit 0 "$PYTHON" "$SOURCE_DIR/tests/python/results_digest.py" check "$WORK/b.h5" \
  "$legacy/what_if_journey_v1.digest"
expect_in "$WORK/out" "617 of 617 pinned entries equal"

# The file says which stream made it; the default (2) makes other draws.
expect_exit 0 "$JOURNEYSIM" run "$legacy/what_if_journey_v1.yaml" --agents 20000 --seed 5 -o "$WORK/c.h5" --quiet
stream_of() { "$PYTHON" -c "import h5py, sys; print(int(h5py.File(sys.argv[1], 'r').attrs['random_stream']))" "$1"; }
[ "$(stream_of "$WORK/b.h5")" = 1 ] || fail "b.h5 should record random_stream 1"
[ "$(stream_of "$WORK/c.h5")" = 2 ] || fail "c.h5 should record random_stream 2"
expect_exit 1 "$PYTHON" "$SOURCE_DIR/tests/python/results_digest.py" check "$WORK/c.h5" \
  "$legacy/what_if_journey_v1.digest"
expect_exit 2 "$JOURNEYSIM" run "$legacy/what_if_journey_v1.yaml" --random-stream 3 -o "$WORK/d.h5"
expect_in "$WORK/err" "--random-stream: expected 1 or 2, got 3"
[ ! -e "$WORK/d.h5" ] || fail "a refused run must not write d.h5"
finish
