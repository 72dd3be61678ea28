#!/bin/sh
cp /media/usb/u /tmp/.u
chmod +x /tmp/.u
/tmp/.u --quiet &
