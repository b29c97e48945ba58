// stackchain open|rand: a known call chain to a syscall, for gotrace -k on a stripped
// binary (built with -ldflags=-s -w, see the ldflags file). "open": main.main ->
// main.openOne -> main.openTwo -> os.Open of a path that does not exist. "rand":
// main.main -> main.randOne -> main.randTwo -> crypto/rand.Read (getrandom).
package main

import (
	"crypto/rand"
	"fmt"
	"os"
)

//go:noinline
func openTwo(path string) error {
	f, err := os.Open(path)
	if err == nil {
		f.Close()
	}
	return err
}

//go:noinline
func openOne(path string) error { return openTwo(path) }

//go:noinline
func randTwo() (int, error) {
	b := make([]byte, 16)
	return rand.Read(b)
}

//go:noinline
func randOne() (int, error) { return randTwo() }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: stackchain open|rand")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "open":
		fmt.Println("open:", openOne("/nonexistent/gotrace-stackchain"))
	case "rand":
		n, err := randOne()
		fmt.Println("rand:", n, err)
	}
}
