// /proc readers for snapshots. See proc_facts.h.
#include "proc_facts.h"

#include "file_locks.h"
#include "gotrace/fd_effects.h"
#include "gotrace/syscall_table.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace gotrace::engine {

std::string read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

namespace {

// What can be read of a /proc file: a process or thread that ends meanwhile (ESRCH) or
// that gotrace may not inspect (EPERM, EACCES) gives what was read so far, often nothing.
// (An ifstream's istreambuf_iterator throws from underflow on such a read error.)
std::string read_small_file(const std::string& path) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

Rlimit limit_of(int pid, int resource) {
  struct rlimit64 r {};
  Rlimit out;
  if (prlimit64(pid, static_cast<__rlimit_resource>(resource), nullptr, &r) == 0) {
    out.soft = r.rlim_cur;
    out.hard = r.rlim_max;
  }
  return out;
}

int status_field(int tid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(tid) + "/status");
  std::string line;
  std::size_t klen = std::char_traits<char>::length(key);
  while (std::getline(in, line))
    if (line.compare(0, klen, key) == 0) return std::atoi(line.c_str() + klen);
  return 0;
}

}  // namespace

std::vector<int> list_numeric_dir(const std::string& path) {
  std::vector<int> out;
  if (DIR* d = opendir(path.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9') out.push_back(std::atoi(e->d_name));
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// se.exec_start (ms, scheduler clock) from a /proc/.../sched file; -1 when absent.
double sched_exec_start_ms(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("se.exec_start", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return std::strtod(line.c_str() + colon + 1, nullptr);
    }
  return -1;
}

}  // namespace

SchedClock::~SchedClock() {
  if (moved_) sched_setaffinity(0, sizeof mask_, &mask_);
}

bool pin_to_cpu(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return false;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  return sched_setaffinity(0, sizeof one, &one) == 0;
}

double SchedClock::now_ms(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return -1;
  for (const auto& [c, now] : read_)
    if (c == cpu) return now;
  double now = -1;
  if (!have_mask_) have_mask_ = sched_getaffinity(0, sizeof mask_, &mask_) == 0;
  if (have_mask_ && pin_to_cpu(cpu)) {
    moved_ = true;
    now = sched_exec_start_ms("/proc/thread-self/sched");
  }
  read_.emplace_back(cpu, now);
  return now;
}

ThreadState read_thread_state(int pid, int tid) {
  ThreadState t;
  t.tid = Tid{tid};
  const std::string base = "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/";
  std::istringstream sc(read_small_file(base + "syscall"));
  std::string first;
  sc >> first;
  if (first == "running") {
    t.number = -1;
  } else if (!first.empty()) {
    t.number = std::atoi(first.c_str());
    for (auto& a : t.args) {
      std::string v;
      if (sc >> v) a = std::strtoull(v.c_str(), nullptr, 16);
    }
  } else {
    t.number = -2;
  }
  std::string stat = read_small_file(base + "stat");
  auto close_paren = stat.rfind(')');
  if (close_paren != std::string::npos && close_paren + 2 < stat.size()) {
    t.state = stat[close_paren + 2];
    // proc(5): after the state letter come fields 4..13, then utime (14) and stime (15).
    std::istringstream fields(stat.substr(close_paren + 2));
    std::string f;
    uint64_t utime = 0, stime = 0;
    int i = 3;
    while (fields >> f && i < 15) {
      if (i == 14) utime = std::strtoull(f.c_str(), nullptr, 10);
      ++i;
    }
    if (i == 15) {
      stime = std::strtoull(f.c_str(), nullptr, 10);
      static const long kTicksPerSecond = sysconf(_SC_CLK_TCK);
      if (kTicksPerSecond > 0)
        t.cpu_ns = static_cast<int64_t>((utime + stime) * (1'000'000'000 / static_cast<uint64_t>(kTicksPerSecond)));
    }
  }
  return t;
}

void read_thread_details(int pid, int tid, SchedClock& clock, ThreadState& t) {
  const std::string base = "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/";
  t.wchan = read_small_file(base + "wchan");
  if (t.wchan == "0") t.wchan.clear();
  if (t.state == 'R') return;
  // How long since it last ran: our own exec_start, read on the CPU it last ran on, is "now"
  // on the same scheduler clock (CLOCK_MONOTONIC drifts from it by seconds).
  double last_ran = sched_exec_start_ms(base + "sched");
  double now_sched_ms = last_ran >= 0 ? clock.now_ms(read_task_cpu(tid)) : -1;
  if (last_ran >= 0 && now_sched_ms >= last_ran)
    t.off_cpu_ns = static_cast<int64_t>((now_sched_ms - last_ran) * 1e6);
}


bool go_relevant_env(const std::string& name) {
  static const char* const kNames[] = {
      "GOPROXY", "GOSUMDB", "GONOSUMDB", "GONOSUMCHECK", "GOPRIVATE", "GONOPROXY",
      "GOINSECURE", "GOFLAGS", "GOTOOLCHAIN", "GOPATH", "GOMODCACHE", "GOCACHE",
      "GODEBUG", "GOVCS", "GOENV", "GO111MODULE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
      "http_proxy", "https_proxy", "no_proxy", "ALL_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR",
      "HOME", "PATH"};
  for (const char* n : kNames)
    if (name == n) return true;
  return name.rfind("GIT_", 0) == 0;
}

std::vector<std::string> read_nul_list(const std::string& path) {
  std::string all = read_small_file(path);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < all.size()) {
    std::size_t end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    out.emplace_back(all, start, end - start);
    start = end + 1;
  }
  return out;
}

int read_tgid(int tid) { return status_field(tid, "Tgid:"); }
int read_tracer(int pid) { return status_field(pid, "TracerPid:"); }
int read_uid(int pid) { return status_field(pid, "Uid:"); }
int read_ppid(int tid) { return status_field(tid, "PPid:"); }

Rlimit read_nofile(int pid) { return limit_of(pid, RLIMIT_NOFILE); }

std::size_t count_fds(int pid) {
  std::size_t n = 0;
  if (DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
    while (dirent* e = readdir(d)) n += e->d_name[0] >= '0' && e->d_name[0] <= '9';
    closedir(d);
  }
  return n;
}

// A small /proc file into `buf` (NUL-terminated) with one read(2), no stream: the files read
// at every tick and per fd of a snapshot. False when unreadable or empty.
template <std::size_t N>
static bool read_proc_small(const std::string& path, char (&buf)[N]) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = read(fd, buf, N - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  return true;
}

// Numeric fields `from`..`to` of a /proc/.../stat line (proc(5) numbering: 3 is the state
// letter, read as 0), counted after the ")" that ends the command name, which may itself
// hold spaces and parentheses.
static bool read_stat_fields(const std::string& path, int from, int to, uint64_t* out) {
  char buf[1024];
  if (!read_proc_small(path, buf)) return false;
  const char* at = std::strrchr(buf, ')');
  if (!at) return false;
  int field = 2;
  for (const char* p = at + 1; *p && field < to;) {
    if (*p != ' ') return false;
    ++field;
    char* end = nullptr;
    uint64_t v = std::strtoull(p + 1, &end, 10);
    if (field >= from) out[field - from] = v;
    p = end == p + 1 ? std::strchr(p + 1, ' ') : end;  // the state letter is not a number
    if (!p) break;
  }
  return field == to;
}

bool read_process_cpu_ns(int pid, int64_t& ns) {
  uint64_t times[2] = {};  // utime (14), stime (15), in clock ticks
  if (!read_stat_fields("/proc/" + std::to_string(pid) + "/stat", 14, 15, times)) return false;
  static const long hz = sysconf(_SC_CLK_TCK);
  ns = static_cast<int64_t>((times[0] + times[1]) * (1'000'000'000 / static_cast<uint64_t>(hz > 0 ? hz : 100)));
  return true;
}

int read_task_cpu(int tid) {
  uint64_t cpu = 0;  // "processor" (39): the CPU it last ran on
  if (!read_stat_fields("/proc/" + std::to_string(tid) + "/stat", 39, 39, &cpu)) return -1;
  return static_cast<int>(cpu);
}

int read_running_tasks() {
  char buf[128];  // "0.52 0.58 0.59 3/345 12345": runnable / all tasks, system-wide
  if (!read_proc_small("/proc/loadavg", buf)) return -1;
  const char* slash = std::strchr(buf, '/');
  if (!slash) return -1;
  const char* start = slash;
  while (start > buf && start[-1] >= '0' && start[-1] <= '9') --start;
  return start == slash ? -1 : std::atoi(start);
}

bool read_io(int pid, IoCounters& io) {
  char buf[512];
  if (!read_proc_small("/proc/" + std::to_string(pid) + "/io", buf)) return false;
  auto field = [&](const char* key, uint64_t& v) {
    const char* at = std::strstr(buf, key);
    if (at) v = std::strtoull(at + std::strlen(key), nullptr, 10);
    return at != nullptr;
  };
  uint64_t r = 0, w = 0;
  bool ok = field("rchar: ", r) && field("wchar: ", w);
  io.bytes = r + w;
  field("\nread_bytes: ", io.disk_read);
  field("\nwrite_bytes: ", io.disk_written);
  return ok;
}

bool read_io_bytes(int pid, uint64_t& bytes) {
  char buf[512];  // "rchar: N\nwchar: N\nsyscr: ..." (proc(5))
  if (!read_proc_small("/proc/" + std::to_string(pid) + "/io", buf)) return false;
  uint64_t total = 0;
  int found = 0;
  for (const char* key : {"rchar: ", "wchar: "}) {
    const char* at = std::strstr(buf, key);
    if (!at) continue;
    total += std::strtoull(at + std::strlen(key), nullptr, 10);
    ++found;
  }
  bytes = total;
  return found == 2;
}

// Whether fd has close-on-exec set: "flags:" (octal) in /proc/PID/fdinfo/FD; -1 unreadable.
static int8_t fd_cloexec(int pid, int fd) {
  char buf[256];
  if (!read_proc_small("/proc/" + std::to_string(pid) + "/fdinfo/" + std::to_string(fd), buf)) return -1;
  const char* flags = std::strstr(buf, "flags:");
  if (!flags) return -1;
  return (std::strtoul(flags + 6, nullptr, 8) & O_CLOEXEC) != 0 ? 1 : 0;
}

Snapshot read_snapshot(int pid, SnapshotScope scope, SocketTable& sockets) {
  Snapshot s;
  const std::string base = "/proc/" + std::to_string(pid) + "/";
  if (scope.threads) {
    SchedClock clock;
    for (int tid : list_numeric_dir(base + "task")) {
      s.threads.push_back(read_thread_state(pid, tid));
      read_thread_details(pid, tid, clock, s.threads.back());
      const ThreadState& t = s.threads.back();
      if (t.number >= 0 && waits_for_lock(sysno_from_number(kHostArch, t.number), t.args[1]))
        scope.lock_holders = true;
    }
  }
  s.nofile = limit_of(pid, RLIMIT_NOFILE);
  s.nproc = limit_of(pid, RLIMIT_NPROC);
  s.cwd = read_link(base + "cwd");
  s.exe = read_link(base + "exe");
  sockets.invalidate();
  // File times are wall-clock times, and the kernel's TCP times are ages at the moment of
  // their dump: both count back from now_ms. (Under load the dump came 33 ms after it, and
  // a request sent just after its .zip file was made looked sent before it.)
  const int64_t now_ms = realtime_ms();
  std::vector<FileLock> locks;  // read at the first regular file
  bool locks_read = false;
  for (int fd : list_numeric_dir(base + "fd")) {
    OpenFd f;
    f.fd = fd;
    f.target = read_link(base + "fd/" + std::to_string(fd));
    if (uint64_t inode = socket_inode(f.target))
      if (const SocketInfo* si = sockets.find(pid, inode, base + "fd/" + std::to_string(fd))) {
        f.target = si->describe();
        if (si->tcp_state) f.target += std::string(" ") + tcp_state_name(si->tcp_state);
        if (const bool v6 = si->proto == "TCPv6"; si->proto.rfind("TCP", 0) == 0)
          if (const TcpFacts* t = sockets.tcp_facts(pid, inode, v6); t && t->state != 10) {  // not LISTEN
            int64_t late = std::max<int64_t>(0, sockets.tcp_dumped_ms(v6) - now_ms);
            f.tcp_state = t->state;
            f.unacked = t->unacked;
            f.retransmits = t->retransmits;
            f.last_send_ms = std::max<int64_t>(0, t->last_send_ms - late);
            f.last_recv_ms = std::max<int64_t>(0, t->last_recv_ms - late);
            f.bytes_sent = t->bytes_sent;
            f.bytes_acked = t->bytes_acked;
            f.bytes_received = t->bytes_received;
          }
      }
    // Cached attributes only (AT_STATX_DONT_SYNC): a file on a dead NFS or FUSE server must
    // not hang gotrace, and with it every tracee waiting at a stop.
    struct statx st {};
    if (!f.target.empty() && f.target[0] == '/' &&
        statx(AT_FDCWD, (base + "fd/" + std::to_string(fd)).c_str(), AT_STATX_DONT_SYNC,
              STATX_TYPE | STATX_SIZE | STATX_MTIME | STATX_INO, &st) == 0 &&
        S_ISREG(st.stx_mode)) {
      f.file_size = static_cast<int64_t>(st.stx_size);
      int64_t changed = static_cast<int64_t>(st.stx_mtime.tv_sec) * 1000 + st.stx_mtime.tv_nsec / 1'000'000;
      f.modified_ms = std::max<int64_t>(0, now_ms - changed);
      if (scope.lock_holders && !locks_read) locks = read_file_locks(), locks_read = true;
      FileLock holder;
      if (scope.lock_holders && lock_holder(locks, pid, st.stx_dev_major, st.stx_dev_minor, st.stx_ino, holder)) {
        f.lock_holder = holder.pid == 0 ? -1 : holder.pid;
        f.lock = holder.type + " " + holder.access;
        f.lock_holder_text = describe_process(holder.pid);
      }
    }
    f.cloexec = fd_cloexec(pid, fd);
    s.fds.push_back(std::move(f));
  }
  if (!scope.filesystems.empty()) s.filesystems = read_filesystems(pid, scope.filesystems);
  for (const std::string& kv : read_nul_list(base + "environ")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string name = kv.substr(0, eq);
    if (go_relevant_env(name)) s.env.emplace_back(name, kv.substr(eq + 1));
  }
  return s;
}

}  // namespace gotrace::engine
