module gotrace.test/stackchain

go 1.19
