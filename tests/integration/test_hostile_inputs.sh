# Hostile scenario inputs (tests/data/hostile, plus some made here because
# they are too large to commit or are not files): each exits 2 with
# "FILE:LINE:COLUMN: message" (or "FILE: message" for I/O problems), within
# 2 s of wall time and 200 MB of peak memory (/usr/bin/time), no crash.
source "$(dirname "$0")/lib.sh"
[ -x /usr/bin/time ] || { fail "/usr/bin/time is missing (scripts/setup installs 'time')"; finish; }
# Under a sanitizer (scripts/check sets JOURNEYSIM_SANITIZED) time and memory
# are the sanitizer's: only finishing is required there.
max_s=2.0 max_kb=$((200 * 1024))
[ -z "${JOURNEYSIM_SANITIZED:-}" ] || { max_s=60; max_kb=$((8 * 1024 * 1024)); }

# check FILE LOC MESSAGE — validate FILE; LOC is "LINE:COLUMN" or "" (I/O).
check() {
  local f=$1 loc=$2 text=$3 code=0
  /usr/bin/time -o "$WORK/time" -f '%e %M' timeout 20 "$JOURNEYSIM" validate "$f" >"$WORK/out" 2>"$WORK/err" || code=$?
  [ "$code" = 2 ] || { fail "$f: exit $code, wanted 2"; sed 's/^/  /' "$WORK/err" | head -3 >&2; }
  local first
  first=$(head -n 1 "$WORK/err")
  if [ -n "$loc" ]; then
    [[ "$first" == "$f:$loc: "* ]] || fail "$f: first line '${first:0:200}' is not at $loc"
  else
    [[ "$first" == "$f: "* || "$first" == "$f:1:1: "* ]] || fail "$f: first line '${first:0:200}' does not name the file"
  fi
  grep -qF -- "$text" "$WORK/err" || fail "$f: '$text' not in: ${first:0:200}"
  [ "$(wc -l < "$WORK/err")" -le 2 ] || fail "$f: more than 2 lines of error output"
  read -r secs kb < <(tail -n 1 "$WORK/time")
  awk -v s="$secs" -v m="$max_s" 'BEGIN { exit !(s < m) }' || fail "$f took $secs s"
  ((kb < max_kb)) || fail "$f used $kb KB"
  checked=$((checked + 1))
}

checked=0
for f in "$TEST_DATA"/hostile/*.yaml; do
  if [ -f "$f.expect" ]; then
    expect=$(head -n 1 "$f.expect")
  else
    expect=$(head -n 1 "$f" | sed -n 's/^# expect: //p')
  fi
  [ -n "$expect" ] || { fail "$f has no expectation"; continue; }
  loc=${expect%%: *}
  check "$f" "$loc" "${expect#*: }"
done
((checked >= 40)) || fail "only $checked hostile files"

# Made here: too large to commit, or not regular files.
head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' 'a' > "$WORK/100mb.yaml"
check "$WORK/100mb.yaml" "" "file too large"
{ echo "name: x"; printf 'description: '; head -c $((4000 * 1000)) /dev/zero | tr '\0' 'b'; echo; echo "horizon_day: 1"; } > "$WORK/long_string.yaml"
check "$WORK/long_string.yaml" "3:1" "unknown key 'horizon_day'"
"$PYTHON" -c "
import sys
print('name: x')
print('x:')
for i in range(99990): print('  k%d: %d' % (i, i))" > "$WORK/wide_map.yaml"
check "$WORK/wide_map.yaml" "2:1" "unknown key 'x'"
check /dev/zero "" "file too large"
check /dev/urandom "" ""
mkdir "$WORK/dir.yaml"
check "$WORK/dir.yaml" "" "is a directory"
check "$WORK/missing.yaml" "" "No such file or directory"
mkfifo "$WORK/fifo.yaml"
(printf 'name: x\nhorizon_day: 1\n' > "$WORK/fifo.yaml" &)
check "$WORK/fifo.yaml" "2:1" "unknown key 'horizon_day'"
echo "checked $checked inputs"
finish
