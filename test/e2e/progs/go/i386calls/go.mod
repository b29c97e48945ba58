module gotrace.test/i386calls

go 1.19
