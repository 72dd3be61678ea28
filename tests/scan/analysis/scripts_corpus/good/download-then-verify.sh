#!/bin/sh
# fetch the price list for the office, then print it
curl -fsSL -o /var/tmp/prices.csv https://example.org/prices.csv
sha256sum -c /etc/prices.sha256
