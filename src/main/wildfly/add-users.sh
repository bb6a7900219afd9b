#!/bin/sh
# Adds application users to a provisioned WildFly (what bin/add-user.sh -a does, without its JVM and prompts), for the
# admin console: the test server's and mvn -Prun's. A user already there is left as it is.
# usage: add-users.sh CONFIG_DIR USER:PASSWORD:GROUP...   (GROUP is the role: postmaster-admin for the console)
# Stored as WildFly stores them: HEX(MD5(user:ApplicationRealm:password)) in application-users.properties, the groups
# in application-roles.properties.
set -eu
dir=$1
shift
for entry in "$@"; do
    user=${entry%%:*}
    rest=${entry#*:}
    password=${rest%%:*}
    group=${rest#*:}
    if ! grep -q "^$user=" "$dir/application-users.properties"; then
        hash=$(printf '%s' "$user:ApplicationRealm:$password" | md5sum | cut -d' ' -f1)
        printf '%s=%s\n' "$user" "$hash" >> "$dir/application-users.properties"
        printf '%s=%s\n' "$user" "$group" >> "$dir/application-roles.properties"
    fi
done
