/*
 * SQLite's side of the CLI ingest rows (Scripts/cli_bench.sh): one process that reads the
 * workload as TSV (stream TAB type TAB data TAB metadata, made by cli_bench.sh, so it parses
 * no JSON) and inserts it into the classic events table through the C API: WAL, the given
 * synchronous mode, one prepared INSERT, a transaction per `batch` events. Stream versions are
 * counted in a small hash table, as an event store must.
 *
 *   sqlite_ingest <db> <events.tsv> <FULL|OFF> <batch>
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot { char *stream; int64_t next; };
static struct slot *slots;
static size_t capacity = 1 << 16, used;

static uint64_t hash(const char *text) {
    uint64_t h = 1469598103934665603ull;
    for (; *text; text++) h = (h ^ (unsigned char)*text) * 1099511628211ull;
    return h;
}

static void grow(void);

/* The next version of `stream`, counting it. */
static int64_t next_version(const char *stream) {
    if (used * 2 >= capacity) grow();
    size_t i = hash(stream) & (capacity - 1);
    while (slots[i].stream && strcmp(slots[i].stream, stream) != 0) i = (i + 1) & (capacity - 1);
    if (!slots[i].stream) { slots[i].stream = strdup(stream); used++; }
    return slots[i].next++;
}

static void grow(void) {
    struct slot *old = slots;
    size_t old_capacity = capacity;
    capacity *= 2;
    slots = calloc(capacity, sizeof *slots);
    for (size_t j = 0; j < old_capacity; j++) {
        if (!old[j].stream) continue;
        size_t i = hash(old[j].stream) & (capacity - 1);
        while (slots[i].stream) i = (i + 1) & (capacity - 1);
        slots[i] = old[j];
    }
    free(old);
}

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: sqlite_ingest <db> <events.tsv> <FULL|OFF> <batch>\n"); return 2; }
    int batch = atoi(argv[4]);
    FILE *input = fopen(argv[2], "r");
    if (!input || batch < 1) { fprintf(stderr, "cannot read %s or bad batch\n", argv[2]); return 2; }
    slots = calloc(capacity, sizeof *slots);
    sqlite3 *db;
    check(sqlite3_open(argv[1], &db), db, "open");
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", argv[3]);
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL", 0, 0, 0), db, "wal");
    check(sqlite3_exec(db, pragma, 0, 0, 0), db, "synchronous");
    check(sqlite3_exec(db, "CREATE TABLE events(id INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL, "
                           "type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created_at INTEGER NOT NULL, "
                           "UNIQUE(stream, version))", 0, 0, 0), db, "create");
    sqlite3_stmt *insert;
    check(sqlite3_prepare_v2(db, "INSERT INTO events(stream, version, type, data, metadata, created_at) VALUES (?,?,?,?,?,?)",
                             -1, &insert, 0), db, "prepare");
    char *line = 0;
    size_t size = 0;
    ssize_t length;
    long count = 0;
    check(sqlite3_exec(db, "BEGIN", 0, 0, 0), db, "begin");
    while ((length = getline(&line, &size, input)) > 0) {
        if (line[length - 1] == '\n') line[--length] = 0;
        char *fields[4] = { line, 0, 0, 0 };
        for (int f = 1; f < 4; f++) {
            fields[f] = strchr(fields[f - 1], '\t');
            if (!fields[f]) { fprintf(stderr, "line %ld: expected 4 fields\n", count + 1); return 1; }
            *fields[f]++ = 0;
        }
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        sqlite3_bind_text(insert, 1, fields[0], -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 2, next_version(fields[0]));
        sqlite3_bind_text(insert, 3, fields[1], -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 4, fields[2], -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 5, fields[3], -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 6, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
        if (++count % batch == 0) {
            check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
            check(sqlite3_exec(db, "BEGIN", 0, 0, 0), db, "begin");
        }
    }
    check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
    sqlite3_finalize(insert);
    check(sqlite3_close(db), db, "close");
    fprintf(stderr, "inserted %ld events\n", count);
    return 0;
}
