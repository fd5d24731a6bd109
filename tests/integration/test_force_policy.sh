# --force replaces only a file of the kind the command writes, never a file
# the command reads, another kind of file, a device or a link — for every
# output: run -o, run --paths, optimize -o, calibrate -o, observe -o, report -o
# (docs/SAFETY.md). Each refusal: exit 2, one line, the file unchanged.
source "$(dirname "$0")/lib.sh"
scenario="$WORK/s.yaml"
cp "$TEST_DATA/exact/single_persona.yaml" "$scenario"
"$JOURNEYSIM" run "$scenario" -o "$WORK/run.h5" -n 500 -q
"$JOURNEYSIM" sweep "$scenario" --set stages.intent.dropout=0.1,0.2 -n 300 -o "$WORK/sweep.h5" -q
printf 'notes\n' > "$WORK/notes.txt"
printf 'stage,reached\ninterest,1000\nintent,100\npurchase,30\n' > "$WORK/target.csv"
printf 'event_time,event_type,price,user_id\n2019-10-01 08:00:00 UTC,view,1,1\n' > "$WORK/events.csv"
mkfifo "$WORK/fifo"
ln -s "$WORK/notes.txt" "$WORK/link"

refused() { # refused FILE TEXT COMMAND...
  local file=$1 text=$2; shift 2
  local before
  before=$(sha256sum < "$file")
  expect_exit 2 timeout 60 "$@" --force -q
  expect_in "$WORK/err" "$text"
  [ "$(wc -l < "$WORK/err")" = 1 ] || fail "more than one line of error: $*"
  [ "$(sha256sum < "$file")" = "$before" ] || fail "--force replaced $file: $*"
}
replaced() { # replaced FILE COMMAND... — a file of the command's own kind is replaced
  local file=$1; shift
  local before
  before=$(stat -c %i "$file")
  expect_exit 0 "$@" --force -q
  [ "$(stat -c %i "$file")" != "$before" ] || fail "--force did not replace $file: $*"
}

optimize=("$JOURNEYSIM" optimize "$scenario" --lever stages.intent.dropout=0.1,0.2 --maximize conversion_rate -r 2 -n 300)
calibrate=("$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" --free stages.intent.dropout=0.01:0.5 -n 300)
observe=("$JOURNEYSIM" observe "$WORK/events.csv" --map view=interest)

# Inputs of the command itself.
refused "$scenario" "it is the scenario this command reads" "${optimize[@]}" -o "$scenario"
refused "$scenario" "it is the scenario this command reads" "${calibrate[@]}" -o "$scenario"
refused "$WORK/target.csv" "it is the --target file this command reads" "${calibrate[@]}" -o "$WORK/target.csv"
refused "$WORK/events.csv" "it is the event file this command reads" "${observe[@]}" -o "$WORK/events.csv"
refused "$scenario" "it is the scenario this command reads" "$JOURNEYSIM" run "$scenario" -o "$WORK/r2.h5" -n 100 --paths "$scenario"

# Files of another kind.
refused "$WORK/run.h5" "not a journeysim HTML report" "$JOURNEYSIM" report "$WORK/sweep.h5" -o "$WORK/run.h5"
refused "$WORK/notes.txt" "not a journeysim HTML report" "$JOURNEYSIM" report "$WORK/run.h5" -o "$WORK/notes.txt"
refused "$WORK/run.h5" "not a journeysim optimisation file" "${optimize[@]}" -o "$WORK/run.h5"
refused "$WORK/notes.txt" "not a scenario written by journeysim calibrate" "${calibrate[@]}" -o "$WORK/notes.txt"
refused "$WORK/target.csv" "not an observed funnel" "${observe[@]}" -o "$WORK/target.csv"
refused "$WORK/notes.txt" "not a touch-path file" "$JOURNEYSIM" run "$scenario" -o "$WORK/r3.h5" -n 100 --paths "$WORK/notes.txt"
[ ! -e "$WORK/r3.h5" ] || fail "run --paths refused, but the run wrote its results first"

# Not regular files.
refused "$WORK/link" "symbolic link" "$JOURNEYSIM" report "$WORK/run.h5" -o "$WORK/link"
expect_exit 2 timeout 20 "$JOURNEYSIM" report "$WORK/run.h5" -o "$WORK/fifo" --force -q
expect_in "$WORK/err" "not a regular file"
[ -p "$WORK/fifo" ] || fail "report --force replaced a FIFO"

# A directory is named as one, with or without --force (exit 1, as run -o DIR).
expect_exit 1 "$JOURNEYSIM" report "$WORK/run.h5" -o "$WORK" -q
expect_in "$WORK/err" "is a directory"

# The path file and the results file cannot be one file.
expect_exit 2 "$JOURNEYSIM" run "$scenario" -o "$WORK/same.h5" -n 100 --paths "$WORK/same.h5" -q
expect_in "$WORK/err" "is the results file (-o)"
[ ! -e "$WORK/same.h5" ] || fail "run --paths onto -o wrote a file"

# Files of the command's own kind are replaced.
"$JOURNEYSIM" report "$WORK/run.h5" -o "$WORK/r.html" -q
replaced "$WORK/r.html" "$JOURNEYSIM" report "$WORK/sweep.h5" -o "$WORK/r.html"
"${optimize[@]}" -o "$WORK/o.h5" -q >/dev/null
replaced "$WORK/o.h5" "${optimize[@]}" -o "$WORK/o.h5"
"${calibrate[@]}" -o "$WORK/c.yaml" -q >/dev/null
replaced "$WORK/c.yaml" "${calibrate[@]}" -o "$WORK/c.yaml"
"${observe[@]}" -o "$WORK/f.csv" -q
replaced "$WORK/f.csv" "${observe[@]}" -o "$WORK/f.csv"
"$JOURNEYSIM" run "$scenario" -o "$WORK/p.h5" -n 100 --paths "$WORK/p.csv" -q
replaced "$WORK/p.csv" "$JOURNEYSIM" run "$scenario" -o "$WORK/p.h5" -n 100 --paths "$WORK/p.csv"
# run -o onto an optimisation file is refused too (it was taken for a results file).
refused "$WORK/o.h5" "not a journeysim results file" "$JOURNEYSIM" run "$scenario" -o "$WORK/o.h5" -n 100
finish
