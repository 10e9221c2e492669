#!/bin/sh
# interrupt-output.sh SIGNAL OUT COMMAND...
#
# Runs COMMAND with its stdout in OUT and, once OUT holds something (the
# first text streamed), stops it, sends SIGNAL and lets it go on. Prints
# the exit status as a signal name ("killed by INT") or "exit N".
set -u
signal=$1 out=$2 && shift 2
# A background command of a shell starts with SIGINT ignored: give it the
# default action back, as a terminal's Ctrl-C would find it.
env --default-signal=INT "$@" > "$out" 2> /dev/null &
pid=$!
tries=0
until [ -s "$out" ]; do
  tries=$((tries + 1))
  if [ $tries -gt 3000 ] || ! kill -0 $pid 2>/dev/null; then
    echo "interrupt-output.sh: $* printed nothing" >&2
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
