module gotrace.test/spin

go 1.19
