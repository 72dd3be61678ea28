' copy documents to the USB stick
Set fso = CreateObject("Scripting.FileSystemObject")
fso.CopyFolder "C:\Users\camille\Documents", "E:\Backup\", True
