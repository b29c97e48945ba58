module gotrace.test/lockthreads

go 1.19
