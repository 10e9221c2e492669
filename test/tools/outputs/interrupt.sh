#!/bin/sh
# interrupt.sh SIGNAL --temp-in DIR COMMAND...
# interrupt.sh SIGNAL --output FILE COMMAND...
#
# Runs COMMAND in the background and, once it is in the middle of writing,
# stops it, sends SIGNAL and lets it go on. "In the middle of writing" is,
# with --temp-in, holding a temporary file open in DIR (an unnamed file,
# which /proc shows as "DIR/#N (deleted)", or a named DIR/*.tmp-*), or, with
# --output, having streamed something to its stdout, which goes to FILE.
# Prints the exit status as a signal name ("killed by TERM") or "exit N",
# then, with --temp-in, what DIR holds afterwards, one name a line: a tool
# that leaves nothing behind prints the status line only. It waits up to
# $INTERRUPT_WAIT seconds (default 30) for the write to start.
set -u
signal=$1 mode=$2 where=$3 && shift 3
# A background command of a shell starts with SIGINT ignored: give it the
# default action back, as a terminal's Ctrl-C would find it.
case $mode in
  --temp-in) dir=$(cd "$where" && pwd); env --default-signal=INT "$@" & ;;
  --output) env --default-signal=INT "$@" > "$where" 2> /dev/null & ;;
  *) echo "interrupt.sh: unknown mode $mode" >&2; exit 2 ;;
esac
pid=$!

writing() {
  if [ "$mode" = --output ]; then
    [ -s "$where" ]
    return
  fi
  for fd in /proc/$pid/fd/*; do
    case $(readlink "$fd" 2>/dev/null) in
      "$dir"/*" (deleted)" | "$dir"/*.tmp-*) return 0 ;;
    esac
  done
  return 1
}

tries=0
until writing; do
  tries=$((tries + 1))
  if [ $tries -gt $((${INTERRUPT_WAIT:-30} * 100)) ] ||
     ! kill -0 $pid 2>/dev/null; then
    echo "interrupt.sh: $* was never seen writing" >&2
    exit 1
  fi
  sleep 0.01
done
kill -STOP $pid
kill -"$signal" $pid
kill -CONT $pid 2>/dev/null
wait $pid
status=$?
if [ $status -gt 128 ]; then
  echo "killed by $(kill -l $((status - 128)))"
else
  echo "exit $status"
fi
[ "$mode" = --output ] || ls -A "$dir"
