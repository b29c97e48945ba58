module gotrace.test/waitchild

go 1.19
