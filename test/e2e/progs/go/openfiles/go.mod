module gotrace.test/openfiles

go 1.19
