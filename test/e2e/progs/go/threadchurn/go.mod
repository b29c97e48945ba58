module gotrace.test/threadchurn

go 1.19
