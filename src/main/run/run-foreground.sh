#!/bin/sh
# Runs a server in the foreground for `mvn -Prun` and ties its lifetime to Maven's: the server is stopped
# (gracefully, SIGTERM) when this script gets INT/TERM/HUP *or* when the parent Maven JVM disappears
# (exec-maven-plugin does not destroy its child when Maven is killed).
# usage: run-foreground.sh COMMAND [ARGS...]   (POSIX sh; invoked via `sh` so no exec bit is needed)
# The command must stop cleanly on SIGTERM: WildFly's standalone.sh (with the variable below) relays it to its JVM;
# java -jar (Payara Micro), TomEE's `catalina.sh run` and Liberty's `server run` exec the JVM, whose shutdown
# hooks stop the server.
[ $# -gt 0 ] || { echo "usage: run-foreground.sh COMMAND [ARGS...]" >&2; exit 2; }

# WildFly: standalone.sh then runs the JVM as a child, traps INT/TERM and relays SIGTERM to it
export LAUNCH_JBOSS_IN_BACKGROUND=1
# WildFly: one Undertow I/O thread per core this process may run on (src/main/wildfly/configure-server.cli)
if [ -z "${POSTMASTER_IO_THREADS:-}" ]; then
    POSTMASTER_IO_THREADS=$(nproc 2>/dev/null || echo 2)
    export POSTMASTER_IO_THREADS
fi
# The admin console's user that mvn -Prun creates on every server (docs/console.md)
echo "WARNING: the admin console (http://127.0.0.1:8080/admin/, or -Drun.port) has the user admin, password admin:" \
    "fine on this loopback-only server, change it anywhere else (docs/console.md)" >&2
parent=$PPID
# once Maven is gone our stdout/stderr are broken pipes: don't let SIGPIPE kill this script
trap '' PIPE

# A background job of a non-interactive shell ignores SIGINT; the server only ever gets SIGTERM from us.
"$@" &
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
