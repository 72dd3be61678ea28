#!/bin/sh
exec /usr/bin/nextcloud --background
