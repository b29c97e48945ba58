// Keeping the quiet-fd sets. See quiet_fds.h.
#include "quiet_fds.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace gotrace::live {
namespace {

constexpr int kFirstQuietFd = 3;  // stdin, stdout, stderr are never quiet (Go's stderr messages)

// The open flags of an open-family call, from its captured arguments.
uint64_t open_flags(SysNo s, const Args& a) {
  switch (s) {
    case SysNo::open: return a[1].raw;
    case SysNo::openat: return a[2].raw;
    case SysNo::creat: return O_CREAT | O_WRONLY | O_TRUNC;
    case SysNo::openat2: {
      uint64_t flags = 0;  // struct open_how starts with the u64 flags
      if (a[2].data.size() >= sizeof flags) std::memcpy(&flags, a[2].data.data(), sizeof flags);
      return flags;
    }
    default: return 0;
  }
}

// Filesystems whose reads and writes do not wait on another machine or a user-space server
// (linux/magic.h). Anything else (NFS, SMB, FUSE, 9p, Ceph...) keeps its calls stopped.
bool is_local_fs(uint64_t magic) {
  switch (magic) {
    case 0xEF53:      // ext2/3/4
    case 0x58465342:  // xfs
    case 0x9123683E:  // btrfs
    case 0x01021994:  // tmpfs
    case 0x858458F6:  // ramfs
    case 0x794C7630:  // overlayfs
    case 0xF2F52010:  // f2fs
    case 0x2FC12FC1:  // zfs
    case 0x73717368:  // squashfs
    case 0xE0F5E1E2:  // erofs
    case 0x4D44:      // vfat
    case 0x2011BAB0:  // exfat
    case 0x9660:      // iso9660
      return true;
    default:
      return false;
  }
}

bool is_local_fs_name(const std::string& t) {
  for (const char* name : {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "ramfs", "overlay", "f2fs",
                           "zfs", "squashfs", "erofs", "vfat", "exfat", "iso9660"})
    if (t == name) return true;
  return false;
}

// The type of the filesystem mounted from device MAJOR:MINOR in gotrace's mountinfo, "" when
// none is listed. Lines: "36 35 98:0 /mnt1 /mnt/parent rw - ext3 /dev/root rw".
std::string mount_type(unsigned major_no, unsigned minor_no) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  std::string dev = std::to_string(major_no) + ":" + std::to_string(minor_no);
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, parent, devno;
    f >> id >> parent >> devno;
    if (devno != dev) continue;
    std::size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream rest(line.substr(dash + 3));
    std::string type;
    rest >> type;
    return type;
  }
  return {};
}

}  // namespace

void QuietFds::set(Proc& p, int64_t fd, bool on) {
  if (fd < 0 || fd > (1 << 20)) return;
  auto i = static_cast<std::size_t>(fd);
  if (i >= p.quiet.size()) {
    if (!on) return;
    p.quiet.resize(i + 1 + i / 2, false);
  }
  p.quiet[i] = on;
}

void QuietFds::on_exit(int pid, SysNo s, const Args& a, int64_t ret,
                       const std::function<bool(int)>& never_blocks) {
  const SyscallInfo& info = syscall_info(s);
  if (!info.has(kReturnsFd | kFdTable)) return;
  // Any fd-table change creates the entry: a fork event arriving later must not copy the
  // parent's set over what this process already changed (see on_clone).
  Proc& p = procs_[pid];
  bool ok = ret >= 0;
  switch (s) {
    case SysNo::open:
    case SysNo::openat:
    case SysNo::openat2:
    case SysNo::creat: {
      if (!ok) return;
      uint64_t flags = open_flags(s, a);
      bool quiet = false;
      // Even a file the call created (O_CREAT|O_EXCL) is asked: its filesystem matters.
      if (!p.disabled && ret >= kFirstQuietFd && (flags & O_PATH) == 0 &&
          ((flags & O_DIRECTORY) == 0 || (flags & O_TMPFILE) == O_TMPFILE))
        quiet = never_blocks(static_cast<int>(ret));
      set(p, ret, quiet);
      return;
    }
    case SysNo::close:
      set(p, static_cast<int64_t>(static_cast<int>(a[0].raw)), false);
      return;
    case SysNo::close_range: {
      // Closed, or marked close-on-exec (forgotten at exec anyway): not quiet either way.
      uint64_t last = a[1].raw < p.quiet.size() ? a[1].raw : p.quiet.size();
      for (uint64_t fd = a[0].raw; fd < last + 1 && fd < p.quiet.size(); ++fd) p.quiet[fd] = false;
      return;
    }
    case SysNo::io_uring_setup:
      // io_uring can open and close fds without a syscall the filter sees.
      if (ok) {
        p.disabled = true;
        p.quiet.clear();
      }
      return;
    case SysNo::pipe:
    case SysNo::pipe2:
    case SysNo::socketpair: {
      const Arg& out = a[s == SysNo::socketpair ? 3 : 0];
      if (!ok || out.data.size() < 2 * sizeof(int)) return;
      int fds[2];
      std::memcpy(fds, out.data.data(), sizeof fds);
      for (int fd : fds) set(p, fd, false);
      return;
    }
    case SysNo::fcntl:
      if (ok && (a[1].raw == F_DUPFD || a[1].raw == F_DUPFD_CLOEXEC)) set(p, ret, false);
      return;
    default:
      // dup/dup2/dup3, socket, accept, epoll_create, eventfd...: the fd now means something
      // else (a dup of a quiet fd stays unquiet: fewer quiet fds, never a wrong one).
      if (ok && info.has(kReturnsFd)) set(p, ret, false);
      return;
  }
}

void QuietFds::on_clone(int parent_pid, int child_pid, uint64_t flags) {
  bool thread = (flags & CLONE_THREAD) != 0;
  bool shares = (flags & CLONE_FILES) != 0;
  if (thread) {
    // A thread with a table of its own would be keyed by the same pid: give up on it.
    if (!shares) {
      Proc& p = procs_[parent_pid];
      p.disabled = true;
      p.quiet.clear();
    }
    return;
  }
  if (shares) {
    // Two processes, one fd table: a close in one is not seen as the other's.
    for (int pid : {parent_pid, child_pid}) {
      Proc& p = procs_[pid];
      p.disabled = true;
      p.quiet.clear();
    }
    return;
  }
  if (procs_.count(child_pid)) return;  // the child ran (and changed its fds) before this event
  auto it = procs_.find(parent_pid);
  if (it != procs_.end()) procs_[child_pid] = it->second;  // fork copies the fd table
}

bool QuietFds::fd_never_blocks(int tid, int fd) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/fd/%d", tid, fd);
  // AT_STATX_DONT_SYNC: cached attributes, never a round trip to an NFS server that may be
  // the very thing hanging (a file's type does not change).
  struct statx stx {};
  if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_TYPE, &stx) != 0) return false;
  if (S_ISREG(stx.stx_mode)) {
    dev_t dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
    auto known = local_fs_.find(dev);
    if (known != local_fs_.end()) return known->second;
    // The filesystem type from mountinfo (no call reaches the filesystem); statfs only for a
    // device mountinfo does not list (btrfs subvolumes, another mount namespace).
    std::string type = mount_type(stx.stx_dev_major, stx.stx_dev_minor);
    bool local = false;
    if (!type.empty()) {
      local = is_local_fs_name(type);
    } else {
      struct statfs fs {};
      local = statfs(path, &fs) == 0 && is_local_fs(static_cast<uint64_t>(fs.f_type));
    }
    local_fs_[dev] = local;
    return local;
  }
  // Memory devices (devices.txt, major 1): null 3, zero 5, full 7, urandom 9. Not random (8):
  // the entropy analyzer watches its reads.
  unsigned minor_no = stx.stx_rdev_minor;
  return S_ISCHR(stx.stx_mode) && stx.stx_rdev_major == 1 &&
         (minor_no == 3 || minor_no == 5 || minor_no == 7 || minor_no == 9);
}

void QuietFds::on_exec(int pid) {
  // Always an entry: a child that execs before its parent's fork event is handled must not
  // get the parent's set copied over it then (on_clone keeps an existing entry).
  procs_[pid].quiet.clear();
}

}  // namespace gotrace::live
