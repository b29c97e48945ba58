// The .gtr recording format: constants shared by RecordWriter and ReplaySource
// (tracer/record). This comment is the format's specification.
//
// File = header, then records until TraceEnd (or until the file ends, if gotrace died).
//
// Header (fixed little-endian fields):
//   8 bytes  magic "GOTRACE\0"
//   u16      format_version (kFormatVersion; a reader refuses a newer one)
//   u8       arch (gotrace::Arch: 1 = x86_64, 2 = aarch64): the numbering of syscall numbers
//   u8       reserved (0)
//   u32      length of the writer's gotrace version string (at most kMaxVersionLength)
//   bytes    gotrace version ("0.1.0")
// The clock base (CLOCK_REALTIME at trace time 0) is the TraceStart record's wall_clock_ns.
//
// Record: u16 tag (Tag below), u32 payload_len, payload_len bytes of payload.
//   A reader skips a record whose tag it does not know (forward compatible), and ignores
//   bytes at the end of a known record's payload beyond the fields it knows: new fields are
//   only ever appended to a body (event.h's rule), and a reader takes an appended field
//   missing from an older file as its default. Any other change bumps format_version.
//   A payload longer than kMaxPayload is corrupt (gotrace never writes one). A record that
//   runs past the end of the file, or a file without TraceEnd, is a recording cut short
//   (gotrace killed, disk full): readers replay every whole record, then end as Truncated.
//   Readers stop at TraceEnd; a later version may append records after it.
//   The writer writes NAME.partial and renames it to NAME after TraceEnd.
//
// Payload field encodings:
//   uv   unsigned LEB128 varint (at most 10 bytes)
//   sv   signed value as zigzag LEB128 ((v << 1) ^ (v >> 63))
//   u8   one byte
//   str  uv byte count, then the bytes (no terminator)
//   list uv element count, then the elements
//   elem uv byte count, then a struct's fields: a list element that may gain fields (a
//        reader ignores the element's bytes past the fields it knows, as for records)
// Every payload, of every tag, starts with the same three fields:
//   sv dts  ts minus the previous record's ts, in ns (the first record: minus 0). A reader
//           that skips an unknown tag still reads this field, to keep the running ts.
//   sv pid, sv tid
// then the body:
//   TraceStart   sv wall_clock_ns, u8 arch, str gotrace_version, list<str> command,
//                list<sv> attached, u8 filtered, u8 quiet_files (both appended later:
//                absent reads as 0)
//   SyscallEnter uv call, Sys, Args
//   SyscallExit  uv call, Sys, sv ret, sv (ts - entered), u8 entry_seen, Args,
//                str ret_fd_target
//   ProcessStart sv parent, list<str> argv
//   ThreadStart  sv parent
//   Exec         str filename, list<str> argv, sv former_tid
//   Signal       sv signo, u8 stop, sv code, sv sender_pid, sv sender_uid, sv status, uv addr
//   ThreadExit   sv wait_status
//   Snapshot     uv nofile.soft, uv nofile.hard, uv nproc.soft, uv nproc.hard,
//                list<elem{sv fd, str target, then (appended later: absent reads as no
//                TCP facts) u8 tcp_state, uv unacked, uv retransmits, sv last_send_ms,
//                sv last_recv_ms, uv bytes_sent, uv bytes_acked, uv bytes_received, then
//                (appended later still: absent reads as -1) sv file_size, sv modified_ms,
//                (appended: absent reads as unknown) u8 cloexec + 1, (appended: absent
//                reads as no lock wait) sv lock_holder, str lock, str lock_holder_text}> fds,
//                list<{str name, str value}> env,
//                list<elem{sv tid, sv number, 6 x uv args, u8 state, str wchan,
//                sv off_cpu_ns, sv cpu_ns (appended later: absent reads as -1)}> threads,
//                str cwd, str exe
//   Tick         (nothing)
//   TraceEnd     u8 reason, sv exit_status
//   ThreadStates list<elem{...}> threads, each element as a Snapshot thread
//   Stack        uv call, list<elem{uv pc, uv rel, str module, str function, uv offset,
//                str file, sv line}> frames, str note
// Sys  = sv number (the header arch's syscall number), then u8 naming:
//          0  sysno is the table row of `number` on the header's arch (the usual case)
//          1  str name follows: sysno is the table row of that name (unknown if none)
//          2  sysno is SysNo::unknown
//        (SysNo values are row indexes that move when rows are added; names do not.)
// Args = u8 count (0..6: trailing default-valued arguments are omitted), then per argument
//        uv raw, u8 state (ArgState), str data.
// Enum bytes (arch, state, stop, reason, entry_seen) outside their range are corrupt.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gotrace::record {

inline constexpr char kMagic[8] = {'G', 'O', 'T', 'R', 'A', 'C', 'E', '\0'};
inline constexpr uint16_t kFormatVersion = 1;
inline constexpr std::size_t kFixedHeaderSize = 16;  // magic .. version string length
inline constexpr std::size_t kMaxVersionLength = 1024;
inline constexpr std::size_t kRecordHeaderSize = 6;  // u16 tag + u32 payload_len
inline constexpr std::size_t kMaxPayload = std::size_t{64} << 20;

// One tag per Event body alternative. Never renumber; new kinds get new numbers.
enum class Tag : uint16_t {
  TraceStart = 1,
  SyscallEnter = 2,
  SyscallExit = 3,
  ProcessStart = 4,
  ThreadStart = 5,
  Exec = 6,
  Signal = 7,
  ThreadExit = 8,
  Snapshot = 9,
  Tick = 10,
  TraceEnd = 11,
  ThreadStates = 12,
  Stack = 13,
};
inline constexpr uint16_t kMaxKnownTag = 13;

// Sys naming byte (see above).
enum class SysNaming : uint8_t { ByNumber = 0, ByName = 1, Unknown = 2 };

}  // namespace gotrace::record
