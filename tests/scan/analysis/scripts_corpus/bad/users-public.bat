start "" C:\Users\Public\update.exe
