// roundtrip: goroutines, file I/O and a TCP round trip to a loopback server it starts
// itself. Prints a deterministic summary and exits with status 0 (or the status given as
// the first argument), so a test can compare traced and untraced runs.
package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

func main() {
	dir, err := os.MkdirTemp("", "gotrace-roundtrip")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	// Goroutines writing and reading files.
	var wg sync.WaitGroup
	sums := make([][32]byte, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p := filepath.Join(dir, fmt.Sprintf("f%d", i))
			data := make([]byte, 64*1024)
			for j := range data {
				data[j] = byte(i + j)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				panic(err)
			}
			back, err := os.ReadFile(p)
			if err != nil {
				panic(err)
			}
			sums[i] = sha256.Sum256(back)
		}(i)
	}
	wg.Wait()
	total := sha256.New()
	for _, s := range sums {
		total.Write(s[:])
	}
	fmt.Printf("files: %x\n", total.Sum(nil)[:8])

	// TCP round trip on loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			fmt.Fprintf(c, "echo %s", line)
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	r := bufio.NewReader(c)
	for i := 0; i < 100; i++ {
		fmt.Fprintf(c, "ping %d\n", i)
		if _, err := r.ReadString('\n'); err != nil {
			panic(err)
		}
	}
	c.Close()
	fmt.Println("tcp: 100 round trips")

	status := 0
	if len(os.Args) > 1 {
		status, _ = strconv.Atoi(os.Args[1])
	}
	os.Exit(status)
}
