/* errno_name: the symbolic name of an errno value, so that a program's output reads the same
 * under WASI (wasi-libc numbering) and natively (Linux numbering). Shared by the test programs. */
#ifndef ERRNAMES_H
#define ERRNAMES_H

#include <errno.h>
#include <stdio.h>

static const char *errno_name(int e) {
    static char unknown[32];
#define NAME(x) \
    if (e == x) return #x;
    NAME(EPERM) NAME(ENOENT) NAME(EIO) NAME(EBADF) NAME(EACCES) NAME(EEXIST) NAME(EXDEV)
    NAME(ENOTDIR) NAME(EISDIR) NAME(EINVAL) NAME(EMFILE) NAME(ENFILE) NAME(EFBIG) NAME(ENOSPC)
    NAME(ESPIPE) NAME(EROFS) NAME(EMLINK) NAME(ENAMETOOLONG) NAME(ENOTEMPTY) NAME(ELOOP)
    NAME(ENOSYS) NAME(ENOTSUP) NAME(ENOTTY) NAME(EFAULT) NAME(EAGAIN) NAME(ENXIO)
#ifdef ENOTCAPABLE
    NAME(ENOTCAPABLE)
#endif
#undef NAME
    snprintf(unknown, sizeof unknown, "errno %d", e);
    return unknown;
}

/* Prints `what: ok` when rc >= 0, `what: ENAME` otherwise (errno set by the failed call). */
static int report(const char *what, int rc) {
    if (rc >= 0) {
        printf("%s: ok\n", what);
    } else {
        printf("%s: %s\n", what, errno_name(errno));
    }
    return rc;
}

#endif
