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

#include "gotrace/fd_effects.h"

namespace gotrace::live {
namespace {

constexpr int kFirstQuietFd = 3;  // stdin, stdout, stderr are never quiet (Go's stderr messages)

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
  const FdEffects fx = fd_effects(s, a, ret);
  if (fx.unseen_changes) {  // io_uring can open and close fds without a syscall the filter sees
    p.disabled = true;
    p.quiet.clear();
    return;
  }
  // Closed, or marked close-on-exec (forgotten at exec anyway): not quiet either way.
  if (fx.close_first >= 0)
    for (uint64_t fd = static_cast<uint64_t>(fx.close_first); fd <= fx.close_last && fd < p.quiet.size(); ++fd)
      p.quiet[fd] = false;
  for (const NewFd& n : fx.news()) {
    // A file: quiet when its reads and writes cannot block (asked even of one the call created,
    // O_CREAT|O_EXCL: its filesystem matters). Anything else (a dup of a quiet fd included: fewer
    // quiet fds, never a wrong one) now means something that may block.
    bool quiet = false;
    uint64_t flags = n.open_flags;
    if (n.path_arg >= 0 && !p.disabled && n.fd >= kFirstQuietFd && (flags & O_PATH) == 0 &&
        ((flags & O_DIRECTORY) == 0 || (flags & O_TMPFILE) == O_TMPFILE))
      quiet = never_blocks(n.fd);
    set(p, n.fd, quiet);
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
