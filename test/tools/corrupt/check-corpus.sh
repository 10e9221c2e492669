#!/bin/sh
# check-corpus.sh CORPUS GOOD.lqm WORK
#
# Feeds every file of CORPUS, and a few paths that are not files (an empty
# directory, a Hugging Face directory with only config.json, a FIFO, a
# dangling symbolic link, a link loop, a path through a file, an unreadable
# file when not root), to every tool that reads files: liquidc,
# liquid-reference, liquid-run, liquid-inspect, liquid-bench,
# liquid-tokenize, and liquid-run's --session loader (corpus files only).
# Each run must end within 60 s with exit status 1 and a line with
# "error:" on stderr: no crash, no hang, no success. liquidc must leave no
# output. Prints one line per failure and a summary.
set -u
corpus=$1 good=$2 work=$3
rm -rf "$work" && mkdir -p "$work/out" "$work/special/empty" "$work/special/hf"
cp "$corpus/json-config" "$work/special/hf/config.json"
mkfifo "$work/special/fifo"
ln -s missing "$work/special/dangling"
ln -s loop "$work/special/loop"
touch "$work/special/file"
if [ "$(id -u)" != 0 ]; then
  cp "$corpus/text" "$work/special/unreadable" && chmod 000 "$work/special/unreadable"
fi

runs=0 failures=0
check() { # check NAME INPUT COMMAND...
  name=$1 input=$2 && shift 2
  runs=$((runs + 1))
  timeout 60 "$@" < /dev/null > /dev/null 2> "$work/stderr"
  status=$?
  if [ $status -ne 1 ] || ! grep -q "error:" "$work/stderr"; then
    failures=$((failures + 1))
    echo "FAIL $name $(basename "$input"): exit $status: $(head -c 300 "$work/stderr" | head -3)"
  fi
}

inputs=$(ls -d "$corpus"/* "$work"/special/* "$work/special/file/x")
for input in $inputs; do
  check liquidc "$input" liquidc "$input" -o "$work/out/x.lqm"
  check liquid-reference "$input" liquid-reference "$input" --tokens 1 -n 1
  check liquid-run "$input" liquid-run "$input" --tokens 1 -n 1
  check liquid-inspect "$input" liquid-inspect "$input"
  check liquid-bench "$input" liquid-bench "$input"
  check liquid-tokenize "$input" liquid-tokenize "$input" hello
done
for input in "$corpus"/*; do
  check liquid-run--session "$input" liquid-run "$good" -p hi -n 1 --session "$input"
done
if [ -n "$(ls -A "$work/out")" ]; then
  failures=$((failures + 1))
  echo "FAIL liquidc left output: $(ls -A "$work/out")"
fi
echo "check-corpus: $(echo "$inputs" | wc -l) inputs, $runs runs, $failures failures"
[ $failures -eq 0 ]
