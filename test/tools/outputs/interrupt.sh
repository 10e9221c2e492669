#!/bin/sh
# interrupt.sh SIGNAL DIR COMMAND...
#
# Runs COMMAND in the background and, once it holds a temporary file open
# in DIR (its output being written: an unnamed file, which /proc shows as
# "DIR/#N (deleted)", or a named DIR/*.tmp-*), stops it, sends SIGNAL and
# lets it go on. Prints
# the exit status as a signal name ("killed by TERM") or "exit N", then what
# DIR holds afterwards, one name a line: a tool that leaves nothing behind
# prints the status line only.
set -u
signal=$1 dir=$(cd "$2" && pwd) && shift 2
# A background command of a shell starts with SIGINT ignored: give it the
# default action back, as a terminal's Ctrl-C would find it.
env --default-signal=INT "$@" &
pid=$!
tries=0
while :; do
  found=no
  for fd in /proc/$pid/fd/*; do
    case $(readlink "$fd" 2>/dev/null) in
      "$dir"/*" (deleted)" | "$dir"/*.tmp-*) found=yes ;;
    esac
  done
  [ $found = yes ] && break
  tries=$((tries + 1))
  if [ $tries -gt 3000 ] || ! kill -0 $pid 2>/dev/null; then
    echo "interrupt.sh: $* never opened a file in $dir" >&2
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
ls -A "$dir"
