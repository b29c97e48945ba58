// i386calls: built with GOARCH=386 (the `goarch` file), a 32-bit program on amd64 as
// `GOARCH=386 go test` runs them. Writes "hello 386" to stdout, reads /proc/self/status,
// runs `true` (clone and execve from 32-bit code), prints "done" and exits 0. Its calls use
// the i386 numbers: write is 4, fork 2, execve 11.
package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	os.Stdout.Write([]byte("hello 386\n"))
	if _, err := os.ReadFile("/proc/self/status"); err != nil {
		fmt.Println("read:", err)
		os.Exit(1)
	}
	if err := exec.Command("true").Run(); err != nil {
		fmt.Println("true:", err)
		os.Exit(1)
	}
	fmt.Println("done")
}
