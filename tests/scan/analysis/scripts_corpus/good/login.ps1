# map the home share and set the printer
New-PSDrive -Name H -PSProvider FileSystem -Root \\fileserver\home\$env:USERNAME -Persist
Add-Printer -ConnectionName \\printserver\office
Write-Host 'ready'
