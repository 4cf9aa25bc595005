/* A database workload on SQLite, compiled in: the amalgamation (about 270,000 lines of C,
 * fetched by bench/fetch-sqlite.sh: "needs: sqlite" below) is included into this file, so the
 * module is a real, large program: about 1.5 MB of wasm, most of it code that a short run
 * never calls. It is also the realistic module of the compile-throughput figures.
 *
 * The database lives in memory through a small VFS of our own (SQLITE_OS_OTHER): no files, a
 * fixed clock and fixed "random" bytes, so the output is the same on every engine and natively.
 * n customers and 4n orders are inserted in one transaction through prepared statements, two
 * indexes are built, then the queries exercise the parser and planner, B-tree search and
 * insertion, the sorter, aggregates, joins, window functions, a recursive CTE, LIKE, the JSON
 * and printf functions, UPDATE and DELETE. Every result row is hashed; each query prints its
 * row count, hash and first row, values formatted by SQLite itself; the last line hashes them all.
 *
 * needs: sqlite */
#define SQLITE_OS_OTHER 1
#define SQLITE_THREADSAFE 0
#define SQLITE_TEMP_STORE 3
#define SQLITE_OMIT_LOAD_EXTENSION 1
#define SQLITE_OMIT_DEPRECATED 1
#define SQLITE_OMIT_SHARED_CACHE 1
#define SQLITE_DEFAULT_MEMSTATUS 0
#define SQLITE_DQS 0

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Weverything"
#include "sqlite3.c"
#pragma clang diagnostic pop

#include <stdio.h>
#include <string.h>
#include "bench.h"

/* ---- the VFS: memory only ---- */

static int vfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags) {
    (void)vfs, (void)name, (void)flags, (void)out_flags;
    file->pMethods = 0;
    return SQLITE_CANTOPEN; /* every database is ":memory:", every temporary file in memory */
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    (void)vfs, (void)name, (void)sync_dir;
    return SQLITE_IOERR_DELETE;
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    (void)vfs, (void)name, (void)flags;
    *result = 0;
    return SQLITE_OK;
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) {
    (void)vfs;
    sqlite3_snprintf(n, out, "%s", name);
    return SQLITE_OK;
}

static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    for (int i = 0; i < n; i++)
        out[i] = (char)(i * 31 + 7);
    return n;
}

static int vfs_sleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return microseconds;
}

static int vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *ms) {
    (void)vfs;
    *ms = (sqlite3_int64)2461000 * 86400000; /* a fixed Julian day, in milliseconds */
    return SQLITE_OK;
}

static int vfs_current_time(sqlite3_vfs *vfs, double *day) {
    sqlite3_int64 ms;
    vfs_current_time_int64(vfs, &ms);
    *day = ms / 86400000.0;
    return SQLITE_OK;
}

static int vfs_last_error(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs, (void)n, (void)out;
    return 0;
}

static sqlite3_vfs memory_vfs = {
    .iVersion = 2,
    .szOsFile = sizeof(sqlite3_file),
    .mxPathname = 512,
    .zName = "bench-memory",
    .xOpen = vfs_open,
    .xDelete = vfs_delete,
    .xAccess = vfs_access,
    .xFullPathname = vfs_full_pathname,
    .xRandomness = vfs_randomness,
    .xSleep = vfs_sleep,
    .xCurrentTime = vfs_current_time,
    .xGetLastError = vfs_last_error,
    .xCurrentTimeInt64 = vfs_current_time_int64,
};

int sqlite3_os_init(void) {
    return sqlite3_vfs_register(&memory_vfs, 1);
}

int sqlite3_os_end(void) {
    return SQLITE_OK;
}

/* ---- the workload ---- */

static sqlite3 *db;
static uint64_t total_hash = 0xcbf29ce484222325ull; /* over every query's hash */
static long total_rows;

static void report(const char *label, long rows, uint64_t h, const char *first) {
    total_hash = (total_hash ^ h) * 0x100000001b3ull;
    total_rows += rows;
    printf("%-10s rows=%ld hash=%016llx%s%s\n", label, rows, (unsigned long long)h, first ? " first=" : "",
           first ? first : "");
}

static void fail(const char *what) {
    fprintf(stderr, "sqlite: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(const char *sql) {
    char *err = 0;
    if (sqlite3_exec(db, sql, 0, 0, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s: %s\n", sql, err);
        exit(1);
    }
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, 0) != SQLITE_OK)
        fail(sql);
    return stmt;
}

/* FNV-1a over a row's columns as SQLite prints them. */
static uint64_t hash_row(uint64_t h, sqlite3_stmt *stmt) {
    int columns = sqlite3_column_count(stmt);
    for (int i = 0; i < columns; i++) {
        const unsigned char *text = sqlite3_column_text(stmt, i);
        for (const unsigned char *p = text ? text : (const unsigned char *)"NULL"; *p; p++)
            h = (h ^ *p) * 0x100000001b3ull;
        h = (h ^ '|') * 0x100000001b3ull;
    }
    return h;
}

/* Runs a query to its end; prints its label, row count, hash and first row. */
static void query(const char *label, const char *sql) {
    sqlite3_stmt *stmt = prepare(sql);
    uint64_t h = 0xcbf29ce484222325ull;
    long rows = 0;
    char first[160] = "";
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (rows == 0) {
            size_t len = 0;
            for (int i = 0; i < sqlite3_column_count(stmt) && len + 1 < sizeof first; i++) {
                const char *text = (const char *)sqlite3_column_text(stmt, i);
                len += (size_t)snprintf(first + len, sizeof first - len, "%s%s", i ? "|" : "", text ? text : "NULL");
            }
        }
        h = hash_row(h, stmt);
        rows++;
    }
    if (rc != SQLITE_DONE)
        fail(label);
    sqlite3_finalize(stmt);
    report(label, rows, h, first);
}

static const char *const cities[] = {"Aachen", "Bergen", "Cork", "Dijon", "Esbjerg", "Faro", "Graz",
                                     "Haarlem", "Ioannina", "Jena", "Kaunas", "Lyon", "Malmo", "Nantes",
                                     "Oulu", "Porto", "Riga", "Split", "Tartu", "Uppsala"};
static const char *const syllables[] = {"ka", "lo", "mi", "ne", "ra", "ti", "vo", "sha", "ben", "dor",
                                        "el", "fin", "gu", "hal", "ix", "jor"};
static const char *const items[] = {"anvil", "bolt", "chisel", "drill", "file", "gauge", "hammer",
                                    "jack", "knife", "lathe", "mallet", "nail", "plane", "rasp",
                                    "saw", "vise"};

static void random_name(char *out) {
    int parts = 2 + (int)(bench_rand() % 3);
    out[0] = 0;
    for (int i = 0; i < parts; i++)
        strcat(out, syllables[bench_rand() % 16]);
}

static void populate(long n) {
    exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL, "
         "balance REAL NOT NULL, joined INTEGER NOT NULL)");
    exec("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER NOT NULL REFERENCES customers(id), "
         "item TEXT NOT NULL, qty INTEGER NOT NULL, price REAL NOT NULL, note TEXT)");
    exec("BEGIN");
    sqlite3_stmt *customer = prepare("INSERT INTO customers(id, name, city, balance, joined) VALUES (?, ?, ?, ?, ?)");
    char name[32];
    for (long i = 1; i <= n; i++) {
        random_name(name);
        sqlite3_bind_int64(customer, 1, i);
        sqlite3_bind_text(customer, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(customer, 3, cities[bench_rand() % 20], -1, SQLITE_STATIC);
        sqlite3_bind_double(customer, 4, (double)(bench_rand() % 1000000) / 100.0);
        sqlite3_bind_int64(customer, 5, 2015 + bench_rand() % 10);
        if (sqlite3_step(customer) != SQLITE_DONE)
            fail("insert customer");
        sqlite3_reset(customer);
    }
    sqlite3_finalize(customer);
    sqlite3_stmt *order = prepare("INSERT INTO orders(customer, item, qty, price, note) VALUES (?, ?, ?, ?, ?)");
    for (long i = 0; i < 4 * n; i++) {
        sqlite3_bind_int64(order, 1, 1 + bench_rand() % n);
        sqlite3_bind_text(order, 2, items[bench_rand() % 16], -1, SQLITE_STATIC);
        sqlite3_bind_int64(order, 3, 1 + bench_rand() % 20);
        sqlite3_bind_double(order, 4, (double)(100 + bench_rand() % 20000) / 100.0);
        if (bench_rand() % 4 == 0) {
            random_name(name);
            sqlite3_bind_text(order, 5, name, -1, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_null(order, 5);
        }
        if (sqlite3_step(order) != SQLITE_DONE)
            fail("insert order");
        sqlite3_reset(order);
    }
    sqlite3_finalize(order);
    exec("COMMIT");
    exec("CREATE INDEX orders_by_customer ON orders(customer)");
    exec("CREATE INDEX customers_by_city ON customers(city, balance)");
    exec("ANALYZE");
}

/* Point lookups through one prepared statement: the B-tree's search path. */
static void lookups(long n) {
    sqlite3_stmt *stmt = prepare("SELECT name, balance FROM customers WHERE id = ?");
    uint64_t h = 0xcbf29ce484222325ull;
    for (long i = 0; i < 2 * n; i++) {
        sqlite3_bind_int64(stmt, 1, 1 + bench_rand() % (uint32_t)n);
        if (sqlite3_step(stmt) != SQLITE_ROW)
            fail("lookup");
        h = hash_row(h, stmt);
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    report("lookups", 2 * n, h, 0);
}

#ifdef __wasm__
/* Does nothing: the compile-throughput benchmark instantiates the module and calls this instead of
 * `_start` (wasmi's `--invoke nop`), so only loading and compiling are timed. */
__attribute__((export_name("nop"))) void nop(void) {}
#endif

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 40000);
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        fail("open");
    populate(n);
    lookups(n);
    query("by-city", "SELECT city, count(*), printf('%.2f', sum(balance)), min(joined), max(joined) "
                     "FROM customers GROUP BY city ORDER BY city");
    query("join", "SELECT c.city, o.item, sum(o.qty), printf('%.2f', sum(o.qty * o.price)) FROM orders o "
                  "JOIN customers c ON c.id = o.customer GROUP BY c.city, o.item ORDER BY 4 DESC, 1, 2");
    query("top", "SELECT c.name, c.city, printf('%.2f', c.balance) FROM customers c WHERE c.balance > 9000 "
                 "ORDER BY c.balance DESC, c.id LIMIT 50");
    query("range", "SELECT count(*), printf('%.2f', avg(balance)) FROM customers "
                   "WHERE city = 'Porto' AND balance BETWEEN 2000 AND 6000");
    query("like", "SELECT count(*), sum(length(name)), max(upper(name)) FROM customers "
                  "WHERE name LIKE '%ra%' OR name GLOB '*ix*'");
    query("window", "SELECT city, name, rank FROM (SELECT city, name, "
                    "row_number() OVER (PARTITION BY city ORDER BY balance DESC, id) AS rank FROM customers) "
                    "WHERE rank <= 3 ORDER BY city, rank");
    query("busiest", "SELECT customer, count(*) AS n, group_concat(DISTINCT item) FROM orders "
                     "GROUP BY customer HAVING n >= 9 ORDER BY n DESC, customer LIMIT 40");
    query("nested", "SELECT count(*) FROM customers c WHERE NOT EXISTS "
                    "(SELECT 1 FROM orders o WHERE o.customer = c.id AND o.item = 'saw')");
    query("notes", "SELECT count(*), count(DISTINCT note), sum(instr(note, 'ka')) FROM orders WHERE note IS NOT NULL");
    query("json", "SELECT json_group_array(json_object('id', id, 'city', city)) FROM "
                  "(SELECT id, city FROM customers WHERE id % 997 = 0 ORDER BY id)");
    query("cte", "WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < 50000) "
                 "SELECT sum(x * x % 1013), count(*) FROM k");
    exec("UPDATE orders SET qty = qty + 1, note = coalesce(note, '') || '!' WHERE price > 150");
    exec("DELETE FROM orders WHERE qty % 7 = 0");
    query("after", "SELECT count(*), sum(qty), printf('%.2f', sum(price)), sum(length(note)) FROM orders");
    query("sorted", "SELECT item, qty, printf('%.2f', price) FROM orders ORDER BY price * qty DESC, id LIMIT 100");
    sqlite3_close(db);
    printf("checksum: %ld %016llx\n", total_rows, (unsigned long long)total_hash);
    return 0;
}
