#!/bin/sh
# Runs the provisioned WildFly in the foreground for `mvn -Prun` and ties its lifetime to Maven's:
# the server is stopped (gracefully, SIGTERM) when this script gets INT/TERM/HUP *or* when the
# parent Maven JVM disappears (exec-maven-plugin does not destroy its child when Maven is killed).
# usage: run-foreground.sh JBOSS_HOME [standalone.sh args...]   (POSIX sh; invoked via `sh` so no exec bit needed)
JBOSS_HOME=$1; shift
export JBOSS_HOME
# standalone.sh then runs the JVM as a child, traps INT/TERM and relays SIGTERM to it
export LAUNCH_JBOSS_IN_BACKGROUND=1
parent=$PPID
# once Maven is gone our stdout/stderr are broken pipes: don't let SIGPIPE kill this script
trap '' PIPE

"$JBOSS_HOME/bin/standalone.sh" "$@" &
server=$!

stop() {
    trap '' INT TERM HUP
    kill -TERM "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    exit 0
}
trap stop INT TERM HUP

while kill -0 "$server" 2>/dev/null; do
    if ! kill -0 "$parent" 2>/dev/null; then
        stop
    fi
    sleep 1
done
wait "$server"
