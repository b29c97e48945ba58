// serve: a small HTTP server for the offline GOPROXY tree made by scripts/build-goproxy.sh,
// for gotrace's tests (Go standard library only; build it at test time with
// `go build -o serve scripts/goproxy/serve/main.go`).
//
//	serve -dir OUTDIR/proxy [-addr 127.0.0.1:0] [-addr-file FILE] [-idle-exit 60s] [-max-life 10m]
//	      [-stall-path SUBSTRING -stall DURATION] [-log] [-tls-cert-out FILE]
//
// The first line of stdout is the chosen host:port (also written to -addr-file, atomically).
// The server never outlives a test: it exits once no request has been in progress for
// -idle-exit, and in any case after -max-life (or on SIGINT/SIGTERM), closing every connection.
// A request whose path contains -stall-path is accepted, then its response is held for -stall
// (or until the client goes away or the server exits) before it is answered normally: a hung
// module proxy. Go's net/http sets TCP_NODELAY and uses the kernel's default listen backlog.
// With -tls-cert-out the server speaks HTTPS with a self-signed certificate for localhost and
// 127.0.0.1 made at start and written (PEM) to FILE: clients trust it with SSL_CERT_FILE=FILE
// (GOPROXY=https://localhost:PORT).
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	dir := flag.String("dir", "", "GOPROXY tree to serve (required)")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	addrFile := flag.String("addr-file", "", "also write the chosen host:port to this file")
	idleExit := flag.Duration("idle-exit", 60*time.Second, "exit after no request for this long")
	maxLife := flag.Duration("max-life", 10*time.Minute, "exit after this long whatever happens")
	stallPath := flag.String("stall-path", "", "hold responses to paths containing this substring")
	stall := flag.Duration("stall", 0, "how long to hold a stalled response")
	rate := flag.Int("rate", 0, "send stalled responses' bodies at this many bytes per second (0: at once)")
	logRequests := flag.Bool("log", false, "log every request to stderr")
	certOut := flag.String("tls-cert-out", "", "serve HTTPS; write the self-signed certificate (PEM) here")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	log.SetPrefix("serve: ")
	if *dir == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if fi, err := os.Stat(*dir); err != nil || !fi.IsDir() {
		log.Fatalf("-dir %s: not a directory", *dir)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *certOut != "" {
		cert, err := selfSigned(*certOut)
		if err != nil {
			log.Fatal(err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}})
	}
	hostPort := ln.Addr().String()
	fmt.Println(hostPort)
	if *addrFile != "" {
		tmp := *addrFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(hostPort+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *addrFile); err != nil {
			log.Fatal(err)
		}
	}

	s := &server{dir: *dir, stallPath: *stallPath, stall: *stall, rate: *rate, log: *logRequests,
		quit: make(chan struct{}), last: time.Now()}
	srv := &http.Server{Handler: s}
	go srv.Serve(ln)

	// Wait for the first reason to stop.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	hard := time.NewTimer(*maxLife)
	tick := time.NewTicker(idleCheckPeriod(*idleExit))
	var reason string
loop:
	for {
		select {
		case sg := <-sig:
			reason = "signal " + sg.String()
			break loop
		case <-hard.C:
			reason = "max-life " + maxLife.String() + " reached"
			break loop
		case <-tick.C:
			if s.idleFor() >= *idleExit {
				reason = "idle for " + idleExit.String()
				break loop
			}
		}
	}
	close(s.quit) // release stalled requests
	srv.Close()   // and drop every connection
	log.Printf("exiting: %s (%d requests served)", reason, s.count())
}

func idleCheckPeriod(idle time.Duration) time.Duration {
	p := idle / 10
	if p < 10*time.Millisecond {
		p = 10 * time.Millisecond
	}
	if p > time.Second {
		p = time.Second
	}
	return p
}

type server struct {
	dir, stallPath string
	stall          time.Duration
	rate           int
	log            bool
	quit           chan struct{}

	mu       sync.Mutex
	inFlight int
	requests int
	last     time.Time // last time a request started or finished
}

func (s *server) idleFor() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inFlight > 0 {
		return 0
	}
	return time.Since(s.last)
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *server) activity(delta int) {
	s.mu.Lock()
	s.inFlight += delta
	if delta > 0 {
		s.requests++
	}
	s.last = time.Now()
	s.mu.Unlock()
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.activity(+1)
	defer s.activity(-1)
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	stalled := ""
	if s.stallPath != "" && strings.Contains(r.URL.Path, s.stallPath) {
		if s.log {
			log.Printf("%s %s %s -> stalling for %s", r.RemoteAddr, r.Method, r.URL.Path, s.stall)
		}
		var answer bool
		if stalled, answer = s.hold(r); !answer {
			if s.log {
				log.Printf("%s %s %s -> no answer after %.3fs%s", r.RemoteAddr, r.Method, r.URL.Path,
					time.Since(start).Seconds(), stalled)
			}
			panic(http.ErrAbortHandler) // drop the connection without a response
		}
		if s.rate > 0 {
			rec.throttle = &throttle{rate: s.rate, quit: s.quit}
		}
	}
	s.serveFile(rec, r)
	if s.log {
		log.Printf("%s %s %s -> %d %dB %.3fs%s", r.RemoteAddr, r.Method, r.URL.Path,
			rec.status, rec.bytes, time.Since(start).Seconds(), stalled)
	}
}

// hold delays a response for -stall; answer is false when the client left or the server is exiting.
func (s *server) hold(r *http.Request) (note string, answer bool) {
	t := time.NewTimer(s.stall)
	defer t.Stop()
	select {
	case <-t.C:
		return " (stalled " + s.stall.String() + ")", true
	case <-r.Context().Done():
		return " (stalled; client gone)", false
	case <-s.quit:
		return " (stalled; server exiting)", false
	}
}

func (s *server) serveFile(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := path.Clean("/" + r.URL.Path)
	for _, elem := range strings.Split(p, "/") {
		if strings.HasPrefix(elem, ".") { // .complete and other bookkeeping stay private
			http.NotFound(w, r)
			return
		}
	}
	f, err := os.Open(filepath.Join(s.dir, filepath.FromSlash(p)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	ctype := "text/plain; charset=utf-8" // list, .mod
	switch {
	case strings.HasSuffix(p, ".info") || strings.HasSuffix(p, "/@latest"):
		ctype = "application/json"
	case strings.HasSuffix(p, ".zip"):
		ctype = "application/zip"
	}
	w.Header().Set("Content-Type", ctype)
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

type recorder struct {
	http.ResponseWriter
	status   int
	bytes    int64
	throttle *throttle // a slow body, when set
}

// throttle sends a body in pieces of a tenth of its rate, one every 100 ms, each flushed.
type throttle struct {
	rate int
	quit chan struct{}
}

func (t *throttle) write(w http.ResponseWriter, b []byte) (int, error) {
	piece := t.rate / 10
	if piece < 1 {
		piece = 1
	}
	n := 0
	for n < len(b) {
		end := n + piece
		if end > len(b) {
			end = len(b)
		}
		m, err := w.Write(b[n:end])
		n += m
		if err != nil {
			return n, err
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-t.quit:
			return n, io.ErrClosedPipe
		}
	}
	return n, nil
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// ReadFrom keeps net/http's sendfile path for ServeContent (unless the body is throttled).
func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	if r.throttle != nil {
		return io.Copy(struct{ io.Writer }{r}, src)
	}
	n, err := io.Copy(r.ResponseWriter, src)
	r.bytes += n
	return n, err
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.throttle != nil {
		n, err := r.throttle.write(r.ResponseWriter, b)
		r.bytes += int64(n)
		return n, err
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// selfSigned makes an ECDSA certificate for localhost and 127.0.0.1, valid for a day, and
// writes it (PEM) to certFile (atomically, before the address is published).
func selfSigned(certFile string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "localhost"},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(certFile+".tmp", certPEM, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	if err := os.Rename(certFile+".tmp", certFile); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
