// Error names and texts as strace prints them (gotrace_format). Ordinary errnos come from
// glibc (strerrorname_np / strerrordesc_np, the same strings strace gets from strerror);
// the kernel-internal restart codes never reach user space and get strace's own wording.
#include <cstdio>
#include <cstring>

#include "internal.h"

namespace gotrace::format {

namespace {

struct Internal {
  int err;
  const char* name;
  const char* text;  // nullptr: glibc's "Unknown error N", as strace shows
};

// include/linux/errno.h; the ERESTART* texts are strace's (syscall.c).
constexpr Internal kInternal[] = {
    {512, "ERESTARTSYS", "To be restarted if SA_RESTART is set"},
    {513, "ERESTARTNOINTR", "To be restarted"},
    {514, "ERESTARTNOHAND", "To be restarted if no handler"},
    {515, "ENOIOCTLCMD", nullptr},
    {516, "ERESTART_RESTARTBLOCK", "Interrupted by signal"},
    {517, "EPROBE_DEFER", nullptr},
    {518, "EOPENSTALE", nullptr},
    {521, "EBADHANDLE", nullptr},
    {522, "ENOTSYNC", nullptr},
    {523, "EBADCOOKIE", nullptr},
    {524, "ENOTSUPP", nullptr},
    {525, "ETOOSMALL", nullptr},
    {526, "ESERVERFAULT", nullptr},
    {527, "EBADTYPE", nullptr},
    {528, "EJUKEBOX", nullptr},
    {529, "EIOCBQUEUED", nullptr},
    {530, "ERECALLCONFLICT", nullptr},
};

const Internal* internal(int err) {
  for (const Internal& i : kInternal)
    if (i.err == err) return &i;
  return nullptr;
}

}  // namespace

std::string_view errno_name(int err) {
  if (const Internal* i = internal(err)) return i->name;
  if (err > 0 && err < 512)
    if (const char* n = strerrorname_np(err)) return n;
  thread_local char buf[32];
  std::snprintf(buf, sizeof buf, "errno %d", err);
  return buf;
}

std::string_view errno_text(int err) {
  if (const Internal* i = internal(err); i && i->text) return i->text;
  if (err > 0 && err < 512)
    if (const char* d = strerrordesc_np(err)) return d;
  thread_local char buf[40];
  std::snprintf(buf, sizeof buf, "Unknown error %d", err);
  return buf;
}

}  // namespace gotrace::format
