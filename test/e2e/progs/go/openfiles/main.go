// openfiles [RETRY_MS RETRIES]: opens /dev/null again and again, keeping every file, until
// an open fails (under a low RLIMIT_NOFILE: EMFILE, "too many open files") and prints how
// many it opened and the error. Then, as a server whose accept loop backs off on EMFILE
// would, it keeps the files, sleeps RETRY_MS (default 0) and retries the open, RETRIES
// times (default 0). Exits 1 after a failure; stops at 100000 files in any case (exit 0).
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	retryMs, retries := 0, 0
	if len(os.Args) > 2 {
		retryMs, _ = strconv.Atoi(os.Args[1])
		retries, _ = strconv.Atoi(os.Args[2])
	}
	var files []*os.File
	for len(files) < 100000 {
		f, err := os.Open("/dev/null")
		if err != nil {
			fmt.Printf("opened %d files, then: %v\n", len(files), err)
			for i := 1; i <= retries && i <= 100; i++ {
				time.Sleep(time.Duration(retryMs) * time.Millisecond)
				if _, err := os.Open("/dev/null"); err != nil {
					fmt.Printf("retry %d: %v\n", i, err)
				}
			}
			os.Exit(1)
		}
		files = append(files, f)
	}
	fmt.Printf("opened %d files without error\n", len(files))
}
