# Every file in tests/data/bad: exit 2, "FILE:LINE:COLUMN: message" as its
# first line announces, within 2 s, and nothing simulated.
source "$(dirname "$0")/lib.sh"
count=0
max_ms=2000
[ -z "${JOURNEYSIM_SANITIZED:-}" ] || max_ms=60000 # a sanitized build (scripts/check) only has to finish
for f in "$TEST_DATA"/bad/*.yaml; do
  count=$((count + 1))
  expect=$(head -n 1 "$f" | sed -n 's/^# expect: //p')
  [ -n "$expect" ] || { fail "$f has no '# expect:' first line"; continue; }
  start=$(date +%s%N)
  expect_exit 2 timeout 10 "$JOURNEYSIM" validate "$f"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  ((ms < max_ms)) || fail "$f took $ms ms"
  loc=${expect%%: *}           # LINE:COLUMN
  text=${expect#*: }           # message substring
  expect_in "$WORK/err" "$f:$loc: "
  expect_in "$WORK/err" "$text"
done
((count >= 40)) || fail "only $count bad scenarios"
finish
