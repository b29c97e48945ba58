// spin SECONDS: prints "spinning", then burns CPU in a loop that makes no syscall (time is
// read through the vDSO) for SECONDS (default 30), prints "done" and exits 0. The Go
// runtime's other threads sit idle in futex/nanosleep meanwhile.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

var sink uint64

func main() {
	secs := 30
	if len(os.Args) > 1 {
		secs, _ = strconv.Atoi(os.Args[1])
	}
	fmt.Println("spinning")
	deadline := time.Now().Add(time.Duration(secs) * time.Second)
	for time.Now().Before(deadline) {
		for i := 0; i < 100000; i++ {
			sink = sink*6364136223846793005 + 1442695040888963407
		}
	}
	fmt.Println("done")
}
