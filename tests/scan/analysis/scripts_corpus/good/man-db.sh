#!/bin/sh
set -e
if ! [ -d /var/cache/man ]; then
    exit 0
fi
find /var/cache/man -type f -name '*.gz' -atime +6 -delete
start-stop-daemon --start --pidfile /dev/null --startas /usr/bin/mandb --oknodo --chuid man -- --quiet
