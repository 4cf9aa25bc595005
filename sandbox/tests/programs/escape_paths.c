/* escape_paths: tries every way out of its pre-opens and prints one line per attempt,
 * `<attempt>: ok` or `<attempt>: <ERRNO NAME>`, then `done`; exits 0.
 *
 * Setup the host lays out (HOST is any temporary directory):
 *   HOST/outside.txt                      a file outside every pre-open
 *   HOST/outside_dir/secret.txt           a directory outside every pre-open
 *   HOST/data/inside.txt                  pre-opened read-write as /data
 *   HOST/data/sub/                        an empty directory
 *   HOST/data/link_out -> HOST/outside.txt          (absolute symlink)
 *   HOST/data/sub/dirlink_out -> HOST/outside_dir   (absolute symlink)
 *   HOST/ro/file.txt                      pre-opened read-only as /ro
 * and grants no environment variable. Every escape must fail; the lines marked "control" must
 * print `ok`. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errnames.h"

/* Opens `path` with `flags`, reports, and closes what it opened. */
static void try_open(const char *what, const char *path, int flags) {
    int fd = report(what, open(path, flags, 0644));
    if (fd >= 0) close(fd);
}

/* Opens `path` read-only and reports whether its first bytes could be read. */
static void try_read(const char *what, const char *path) {
    char buf[64];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        report(what, -1);
        return;
    }
    report(what, (int)read(fd, buf, sizeof buf));
    close(fd);
}

static void escapes_by_path(void) {
    try_read("control: read /data/inside.txt", "/data/inside.txt");
    try_read("open /data/../outside.txt", "/data/../outside.txt");
    try_read("open /data/sub/../../outside.txt", "/data/sub/../../outside.txt");
    try_read("open /etc/passwd", "/etc/passwd");
    try_read("open /data/link_out", "/data/link_out");
    try_read("open /data/sub/dirlink_out/secret.txt", "/data/sub/dirlink_out/secret.txt");
    report("link /data/inside.txt -> /data/../hardlink.txt", link("/data/inside.txt", "/data/../hardlink.txt"));
    report("link /data/../outside.txt -> /data/hardlink_in.txt", link("/data/../outside.txt", "/data/hardlink_in.txt"));
    report("link /data/link_out -> /data/hardlink_sym.txt (follows)",
           linkat(AT_FDCWD, "/data/link_out", AT_FDCWD, "/data/hardlink_sym.txt", AT_SYMLINK_FOLLOW));
    try_read("read /data/hardlink_sym.txt", "/data/hardlink_sym.txt");
    report("rename /data/inside.txt -> /data/../moved.txt", rename("/data/inside.txt", "/data/../moved.txt"));
    report("rename /data/../outside.txt -> /data/stolen.txt", rename("/data/../outside.txt", "/data/stolen.txt"));
    report("symlink /data/made_abs -> /etc/passwd", symlink("/etc/passwd", "/data/made_abs"));
    try_read("read /data/made_abs", "/data/made_abs");
    report("symlink /data/made_rel -> ../outside.txt", symlink("../outside.txt", "/data/made_rel"));
    try_read("read /data/made_rel", "/data/made_rel");
    report("mkdir /data/../x", mkdir("/data/../x", 0755));
    report("control: mkdir /data/newdir", mkdir("/data/newdir", 0755));
    report("control: rmdir /data/newdir", rmdir("/data/newdir"));
}

static void read_only_preopen(void) {
    try_read("control: read /ro/file.txt", "/ro/file.txt");
    try_open("open /ro/file.txt for writing", "/ro/file.txt", O_WRONLY);
    try_open("open /ro/file.txt for appending", "/ro/file.txt", O_WRONLY | O_APPEND);
    try_open("open /ro/file.txt with O_TRUNC", "/ro/file.txt", O_RDONLY | O_TRUNC);
    try_open("create /ro/new.txt", "/ro/new.txt", O_WRONLY | O_CREAT);
    report("mkdir /ro/newdir", mkdir("/ro/newdir", 0755));
    report("symlink /ro/link -> file.txt", symlink("file.txt", "/ro/link"));
    report("link /ro/file.txt -> /ro/hardlink.txt", link("/ro/file.txt", "/ro/hardlink.txt"));
    report("rename /ro/file.txt -> /ro/renamed.txt", rename("/ro/file.txt", "/ro/renamed.txt"));
    report("rename /ro/file.txt -> /data/taken.txt", rename("/ro/file.txt", "/data/taken.txt"));
    report("unlink /ro/file.txt", unlink("/ro/file.txt"));
}

static void wrong_kinds(void) {
    try_open("open directory /data/sub for writing", "/data/sub", O_WRONLY);
    DIR *d = opendir("/data/inside.txt");
    report("opendir file /data/inside.txt", d ? 0 : -1);
    if (d) closedir(d);
}

static void environment(void) {
    const char *names[] = {"HOME", "PATH", "USER", "SECRET"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        printf("getenv %s: %s\n", names[i], v ? v : "unset");
    }
    extern char **environ;
    int n = 0;
    for (char **e = environ; e && *e; e++) n++;
    printf("environ entries: %d\n", n);
}

/* Probes fds 3..1023: which answer fstat, and which answer read, with anything but EBADF. */
static void guess_fds(void) {
    const char *probes[] = {"fstat", "read"};
    for (int p = 0; p < 2; p++) {
        char list[4096] = "";
        int count = 0;
        for (int fd = 3; fd < 1024; fd++) {
            struct stat st;
            char c;
            int rc = p == 0 ? fstat(fd, &st) : (int)read(fd, &c, 1);
            if (rc >= 0 || errno != EBADF) {
                count++;
                size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s%d", count > 1 ? " " : "", fd);
            }
        }
        printf("fds 3..1023 answering %s: %d [%s]\n", probes[p], count, list);
    }
}

int main(void) {
    escapes_by_path();
    read_only_preopen();
    wrong_kinds();
    environment();
    guess_fds();
    printf("done\n");
    return 0;
}
