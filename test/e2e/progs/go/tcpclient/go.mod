module gotrace.test/tcpclient

go 1.19
