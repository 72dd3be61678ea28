@echo off
rem the help desk tool, started where the person can see it
start "" "C:\Program Files (x86)\AnyDesk\AnyDesk.exe"
copy /y C:\data\*.txt D:\backup\ >nul 2>&1
