/* fileops: ordinary file work in the directory argv[1], printed deterministically so that its
 * output under Silo can be compared with its output natively (fileops.expected).
 *
 * Setup: argv[1] names an existing, writable, empty-or-not directory (the program works in
 * argv[1]/work, which must not exist, and removes it at the end); the environment has
 * GREETING=hello; stdin is any byte stream (its length is printed). Exits 0. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errnames.h"

static char base[1024];

/* argv[1]/work/<name>, in a static buffer (one per call site is enough: paths are used at once). */
static const char *at(const char *name) {
    static char bufs[4][1200];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/work%s%s", base, *name ? "/" : "", name);
    return b;
}

static void write_file(const char *name, const char *text, int repeat, int flags) {
    char what[128];
    snprintf(what, sizeof what, "open %s for writing", name);
    int fd = open(at(name), O_WRONLY | O_CREAT | flags, 0644);
    if (report(what, fd) < 0) return;
    long total = 0;
    for (int i = 0; i < repeat; i++) total += write(fd, text, strlen(text));
    printf("write %s: %ld bytes\n", name, total);
    close(fd);
}

static void copy_file(const char *from, const char *to) {
    int in = open(at(from), O_RDONLY), out = open(at(to), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) {
        report("copy open", -1);
        return;
    }
    char buf[1000];
    long total = 0, n;
    while ((n = read(in, buf, sizeof buf)) > 0) total += write(out, buf, (size_t)n);
    printf("copy %s -> %s: %ld bytes\n", from, to, total);
    close(in);
    close(out);
}

static long read_all(const char *name, char *buf, long cap) {
    int fd = open(at(name), O_RDONLY);
    if (fd < 0) return -1;
    long total = 0, n;
    while (total < cap && (n = read(fd, buf + total, (size_t)(cap - total))) > 0) total += n;
    close(fd);
    return total;
}

static void stat_line(const char *name) {
    struct stat st;
    if (stat(at(name), &st) < 0) {
        printf("stat %s: %s\n", name, errno_name(errno));
    } else if (S_ISDIR(st.st_mode)) {
        printf("stat %s: dir\n", name);
    } else {
        printf("stat %s: %s, %lld bytes\n", name, S_ISREG(st.st_mode) ? "file" : "other", (long long)st.st_size);
    }
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *name) {
    DIR *d = opendir(at(name));
    if (!d) {
        printf("list %s: %s\n", name, errno_name(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_name);
    printf("list %s: %d entries\n", *name ? name : ".", n);
    for (int i = 0; i < n; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s%s%s", name, *name ? "/" : "", names[i]);
        printf("  ");
        stat_line(path);
        free(names[i]);
    }
}

/* Walks the tree under work/<name> depth-first, entries sorted, printing each path with its
 * type and size, and removes it bottom-up when `remove` is set. Returns the entries seen. */
static int walk(const char *name, int remove) {
    DIR *d = opendir(at(name));
    if (!d) {
        printf("walk %s: %s\n", name, errno_name(errno));
        return 0;
    }
    char *names[64];
    int n = 0, seen = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_name);
    for (int i = 0; i < n; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", name, names[i]);
        struct stat st;
        if (lstat(at(path), &st) != 0) {
            printf("  lstat %s: %s\n", path, errno_name(errno));
        } else if (S_ISDIR(st.st_mode)) {
            printf("  %s/\n", path);
            seen += 1 + walk(path, remove);
            if (remove && rmdir(at(path)) != 0) printf("  rmdir %s: %s\n", path, errno_name(errno));
        } else {
            printf("  %s (%ld bytes)\n", path, (long)st.st_size);
            seen += 1;
            if (remove && unlink(at(path)) != 0) printf("  unlink %s: %s\n", path, errno_name(errno));
        }
        free(names[i]);
    }
    return seen;
}

/* Builds a small tree, moves a directory inside it, walks it, then walks it again removing it. */
static void tree(void) {
    report("mkdir tree", mkdir(at("tree"), 0755));
    report("mkdir tree/a", mkdir(at("tree/a"), 0755));
    report("mkdir tree/a/b", mkdir(at("tree/a/b"), 0755));
    report("mkdir tree/c", mkdir(at("tree/c"), 0755));
    write_file("tree/a/one.txt", "1", 10, O_TRUNC);
    write_file("tree/a/b/two.txt", "22", 20, O_TRUNC);
    write_file("tree/c/three.txt", "333", 30, O_TRUNC);
    report("rename tree/c -> tree/a/b/c", rename(at("tree/c"), at("tree/a/b/c")));
    printf("walk tree: %d entries\n", walk("tree", 0));
    printf("remove tree: %d entries\n", walk("tree", 1));
    report("rmdir tree", rmdir(at("tree")));
}

int main(int argc, char **argv) {
    if (argc < 2) {
        printf("usage: fileops DIR\n");
        return 1;
    }
    snprintf(base, sizeof base, "%s", argv[1]);
    printf("argc: %d\n", argc);
    report("mkdir work", mkdir(at(""), 0755));
    report("mkdir work again", mkdir(at(""), 0755));
    write_file("a.txt", "hello, world\n", 100, O_TRUNC);
    copy_file("a.txt", "b.txt");
    static char x[4096], y[4096];
    long nx = read_all("a.txt", x, sizeof x), ny = read_all("b.txt", y, sizeof y);
    printf("a.txt and b.txt: %s\n", nx == ny && !memcmp(x, y, (size_t)nx) ? "same" : "different");
    write_file("c.txt", "abc", 1, O_TRUNC);
    write_file("c.txt", "defg", 2, O_APPEND);
    stat_line("c.txt");
    int fd = open(at("c.txt"), O_RDWR);
    char buf[16] = "";
    printf("pread c.txt at 3: %ld \"%.*s\"\n", (long)pread(fd, buf, 4, 3), 4, buf);
    printf("lseek c.txt end: %ld\n", (long)lseek(fd, 0, SEEK_END));
    report("ftruncate c.txt to 2", ftruncate(fd, 2));
    close(fd);
    stat_line("c.txt");
    fd = open(at("c.txt"), O_RDONLY);
    report("write to a read-only fd", (int)write(fd, "x", 1));
    close(fd);
    report("mkdir sub", mkdir(at("sub"), 0755));
    write_file("sub/d.txt", "d", 5, O_TRUNC);
    list("");
    report("rename a.txt -> renamed.txt", rename(at("a.txt"), at("renamed.txt")));
    report("rename missing.txt -> x.txt", rename(at("missing.txt"), at("x.txt")));
    report("unlink b.txt", unlink(at("b.txt")));
    stat_line("b.txt");
    report("open missing.txt", open(at("missing.txt"), O_RDONLY));
    report("open c.txt with O_CREAT|O_EXCL", open(at("c.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644));
    report("rmdir sub (not empty)", rmdir(at("sub")));
    report("unlink sub (a directory)", unlink(at("sub")));
    list("sub");
    report("unlink sub/d.txt", unlink(at("sub/d.txt")));
    report("rmdir sub", rmdir(at("sub")));
    list("");
    tree();
    const char *greeting = getenv("GREETING");
    printf("GREETING: %s\n", greeting ? greeting : "unset");
    long in = 0, n;
    while ((n = read(0, buf, sizeof buf)) > 0) in += n;
    printf("stdin: %ld bytes\n", in);
    printf("time positive: %s\n", time(NULL) > 0 ? "yes" : "no");
    report("unlink c.txt", unlink(at("c.txt")));
    report("unlink renamed.txt", unlink(at("renamed.txt")));
    report("rmdir work", rmdir(at("")));
    printf("done\n");
    return 0;
}
