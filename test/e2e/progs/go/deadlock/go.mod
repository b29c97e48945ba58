module gotrace.test/deadlock

go 1.19
