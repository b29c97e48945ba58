module gotrace.test/roundtrip

go 1.19
