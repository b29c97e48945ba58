// The keeper: a small process that stays the tracer of a process that must outlive gotrace.
//
// A launched command runs under gotrace's seccomp filter (light mode), which returns
// SECCOMP_RET_TRACE for the calls gotrace stops on; a filter cannot be removed, and without
// a tracer those calls fail with ENOSYS. When the trace ends (--duration, Ctrl-C) and a
// process of the command has left its session (a daemon: setsid), ending it would harm it
// and detaching it would break it. gotrace stops it (SIGSTOP), detaches it in that
// group-stop, and hands it to a keeper: a double-forked process in a session of its own,
// with no fds but /dev/null, that seizes every thread, continues it (SIGCONT), and answers
// each stop of it and of its children (our filter's stops: run the call; the program's own
// SECCOMP_RET_TRACE: ENOSYS; signals passed on) until they have all exited.
#pragma once

namespace gotrace::live {

// Starts a keeper for `pid`, whose threads are all detached and group-stopped. Returns
// false when it could not fork (the caller then detaches nothing more: the process stays
// stopped only until its SIGCONT, which the caller sends).
bool start_keeper(int pid);

}  // namespace gotrace::live
