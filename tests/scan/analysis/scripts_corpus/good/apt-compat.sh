#!/bin/sh
set -e
[ -x /usr/lib/apt/apt.systemd.daily ] || exit 0
exec /usr/lib/apt/apt.systemd.daily
