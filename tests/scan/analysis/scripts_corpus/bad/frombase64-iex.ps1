$c = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('d2hvYW1p')); iex $c
