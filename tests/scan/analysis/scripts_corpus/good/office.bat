@echo off
REM start the mail client with the shared profile
start "" "C:\Program Files\Mozilla Thunderbird\thunderbird.exe" -P office
