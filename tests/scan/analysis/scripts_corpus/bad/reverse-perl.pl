#!/usr/bin/perl
system(q{perl -e 'use Socket;socket(S,PF_INET,SOCK_STREAM,getprotobyname("tcp"));connect(S,sockaddr_in(80,inet_aton("198.51.100.9")))'});
