module gotrace.test/tlsself

go 1.19
