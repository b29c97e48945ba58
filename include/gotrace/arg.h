// Syscall arguments as captured from a stopped tracee: the raw register value plus any bytes
// read from tracee memory. Consumers (formatter, analyzers, recorder) see only these values,
// so they cannot tell live from replay.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace gotrace {

// How an argument is captured and shown. The comment after each kind says what Arg::data
// holds after capture ("-" = nothing; "entry"/"exit" = when it is read). All multi-byte
// struct layouts are the tracee architecture's (x86_64 for now), copied byte for byte.
//
// Width: the kernel reads int-sized kinds (Int, Uint, fds, flags and enums passed as int or
// unsigned int) as the low 32 bits of the register, whatever the caller left above them;
// arg_bits() says which. Long, Ulong, Hex, pointers and pointer-sized flags are 64 bits.
#define GT_ARG_KINDS(X)                                                                       \
  X(Int)            /* -  int: signed decimal, 32 bits */                                    \
  X(Uint)           /* -  unsigned int: unsigned decimal, 32 bits */                         \
  X(Long)           /* -  long, loff_t: signed decimal, 64 bits */                           \
  X(Ulong)          /* -  size_t, unsigned long: unsigned decimal, 64 bits */                \
  X(Hex)            /* -  0x... (undecoded syscalls get only these) */                       \
  X(Ptr)            /* -  NULL or 0x... */                                                   \
  X(Fd)             /* entry: with -y, the fd's target ("/path", "socket:[123]" or a         \
                       -yy socket description "TCP:[1.2.3.4:5->6.7.8.9:10]") */              \
  X(DirFd)          /* as Fd; AT_FDCWD shown by name */                                      \
  X(Path)           /* entry: NUL-terminated string, without the NUL */                      \
  X(BufIn)          /* entry: first min(count, limit) bytes; count is the next argument */  \
  X(BufOut)         /* exit: first min(ret, limit) bytes */                                  \
  X(IovIn)          /* entry: per iovec {u64 iov_len, u32 n, n bytes}; iovcnt is the next arg */ \
  X(IovOut)         /* exit: same layout; the first ret bytes of data spread over the iovecs */ \
  X(SockAddrIn)     /* entry: raw sockaddr bytes; its length is the next argument */         \
  X(SockAddrOut)    /* exit: raw sockaddr bytes; length from the next (SockLenPtr) argument */ \
  X(SockLenPtr)     /* exit: u32 socklen_t */                                                \
  X(SockDomain) X(SockType) X(SockProto) X(SockFlags) X(SockLevel) X(SockOptName)            \
  X(SockOptValIn)   /* entry: raw option bytes (len = next argument, at most 64) */          \
  X(SockOptValOut)  /* exit: raw option bytes (len = *optlen, at most 64) */                 \
  X(ShutdownHow) X(MsgFlags)                                                                 \
  X(MsgHdrIn)       /* entry: struct msghdr (56 bytes), u32 n + n name bytes, u32 iovcnt,    \
                       then iovecs as IovIn */                                               \
  X(MsgHdrOut)      /* exit: same layout as MsgHdrIn; iov data holds the first ret bytes */  \
  X(MmsgHdrIn)      /* entry: u32 count, then per message u32 len + a MsgHdrIn encoding */   \
  X(OpenFlags) X(Mode) X(AtFlags) X(AccessMode) X(Whence)                                    \
  X(OpenHow)        /* entry: struct open_how (24 bytes) */                                  \
  X(FutexOp)        /* -  (the op decides how the other futex args are shown) */             \
  X(FutexVal) X(FutexUaddr2) X(FutexVal3)                                                    \
  X(FutexTimeout)   /* entry: struct timespec (16 bytes) when the op takes a timeout */      \
  X(EpollCtlOp)                                                                              \
  X(EpollEvent)     /* entry: struct epoll_event (12 bytes, packed on x86_64) */             \
  X(EpollEventsOut) /* exit: ret * 12 bytes */                                               \
  X(TimeoutMs)      /* -  int milliseconds, -1 = infinite */                                 \
  X(TimespecIn)     /* entry: struct timespec (16 bytes) */                                  \
  X(TimespecOut)    /* exit: struct timespec (16 bytes), when the call failed (EINTR) */     \
  X(TimevalIn)      /* entry: struct timeval (16 bytes) */                                   \
  X(TimespecResult) /* exit: struct timespec the call filled in (16 bytes), if it succeeded */ \
  X(TimevalResult)  /* exit: struct timeval the call filled in (16 bytes), if it succeeded */  \
  X(ClockId) X(TimerFlags)                                                                   \
  X(PollFds)        /* entry and again at exit: nfds * struct pollfd (8 bytes each) */       \
  X(SigsetIn)       /* entry: 8-byte kernel sigset */                                        \
  X(SigsetOut)      /* exit: 8-byte kernel sigset */                                         \
  X(SigactionIn)    /* entry: struct kernel_sigaction (32 bytes) */                          \
  X(SigactionOut)   /* exit: struct kernel_sigaction (32 bytes) */                           \
  X(SigprocmaskHow) X(Signo)                                                                 \
  X(GrndFlags)                                                                               \
  X(CloseRangeFlags)                                                                         \
  X(CloneFlags)                                                                              \
  X(Clone3Args)     /* entry: struct clone_args (min(size, 88) bytes) */                     \
  X(Argv)           /* entry: each string followed by a NUL */                               \
  X(Envp)           /* entry: each "NAME=value" followed by a NUL */                         \
  X(WaitStatusOut)  /* exit: int status (4 bytes) */                                         \
  X(WaitOptions)                                                                             \
  X(RlimitResource)                                                                          \
  X(RlimitIn)       /* entry: struct rlimit (16 bytes) */                                    \
  X(RlimitOut)      /* exit: struct rlimit (16 bytes) */                                     \
  X(MmapProt) X(MmapFlags) X(FcntlCmd) X(FcntlArg) X(FlockOp)                               \
  X(PipeFdsOut)     /* exit: int[2] (8 bytes) */                                            \
  X(IdType)         /* - waitid's idtype: P_ALL, P_PID, P_PGID, P_PIDFD */                   \
  X(SiginfoOut)     /* exit: siginfo_t's first 48 bytes (to si_stime) when the call succeeded */\
  X(RusageOut)      /* exit: struct rusage's ru_utime and ru_stime (32 bytes), when the    \
                       call reported a child (wait4 > 0, waitid/getrusage == 0) */           \
  X(ParentTidOut)   /* exit: clone's int at parent_tid (the pidfd with CLONE_PIDFD, the     \
                       child's tid with CLONE_PARENT_SETTID), 4 bytes, in the parent */

enum class ArgKind : uint8_t {
#define GT_ARG_KIND_ENUM(k) k,
  GT_ARG_KINDS(GT_ARG_KIND_ENUM)
#undef GT_ARG_KIND_ENUM
};

const char* arg_kind_name(ArgKind k);

// How many low bits of the register the kernel reads for an argument of this kind: 32 for
// int-sized kinds, 64 for the rest.
int arg_bits(ArgKind k);

enum class ArgState : uint8_t {
  Raw,         // only the register value; nothing was read (or nothing to read)
  Captured,    // data holds everything that was asked for
  Truncated,   // data holds a prefix: the object was longer than the capture limit
  Unreadable,  // the read failed (bad pointer); data is empty
};

struct Arg {
  uint64_t raw = 0;
  std::string data;
  ArgState state = ArgState::Raw;

  void reset(uint64_t value) {
    raw = value;
    data.clear();  // keeps capacity: the live loop reuses Args without allocating
    state = ArgState::Raw;
  }
  bool operator==(const Arg&) const = default;
};

constexpr int kMaxArgs = 6;
using Args = std::array<Arg, kMaxArgs>;

}  // namespace gotrace
