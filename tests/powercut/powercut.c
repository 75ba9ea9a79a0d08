/* powercut: an LD_PRELOAD library that lets a test cut the power on a
 * process. A kill -9 loses nothing the process wrote (the kernel's page
 * cache keeps it); a power cut loses every write not yet made durable by
 * fsync/fdatasync. This library keeps, for each file under $POWERCUT_DIR,
 * an undo log (FILE.undo) of what each write or truncation since the
 * file's last sync overwrote; `powercut-undo DIR` (undo.c), run after the
 * process is killed, puts those bytes back, so the files are as a disk
 * that lost its cache would leave them: the worst case, every unsynced
 * write lost. What it does not model: writes reaching the disk out of
 * order within a sync interval (a subset surviving), torn sectors, the
 * directory entries of files made since the last sync of their folder.
 *
 * The undo record is written before the data write it covers, so that a
 * kill between the two leaves a record whose undo changes nothing. Not
 * synced itself: a kill -9 keeps it, and only the process is killed.
 * Record: struct powercut_rec, then pre_len bytes (the old content of
 * [offset, offset + pre_len)), then the magic again, so that a torn last
 * record is recognised and ignored. Undo: ftruncate to old_size, then the
 * old bytes back, records last to first.
 *
 * With $POWERCUT_FAIL naming a file, every sync of a tracked file fails
 * (EIO) while that file exists: a disk that fails (pc_failing).
 *
 * Test-only code: built by the Makefile into $(BUILD)/powercut.so, used by
 * tests/api/powercut.test.mjs, never linked into spkiosk.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "powercut.h"

#define PC_FDS 4096     /* fds tracked: beyond, a file is not tracked */
#define PC_FILES 64     /* distinct paths under the directory */

struct pc_file {
    char path[PATH_MAX];
    int undo;           /* fd of PATH.undo */
};

static pthread_mutex_t pc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pc_file pc_files[PC_FILES];
static int pc_nfiles;
static signed char pc_fd_file_hi[PC_FDS];   /* file index + 1, 0 untracked */

static int (*real_openat)(int, const char *, int, ...);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_close)(int);

static void pc_init(void)
{
    real_openat = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat64");
    real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    real_pwrite = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
    real_ftruncate = (int (*)(int, off_t))dlsym(RTLD_NEXT, "ftruncate64");
    real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
}

static pthread_once_t pc_once = PTHREAD_ONCE_INIT;

static struct pc_file *pc_of(int fd)
{
    pthread_once(&pc_once, pc_init);
    if (fd < 0 || fd >= PC_FDS || !pc_fd_file_hi[fd])
        return NULL;
    return &pc_files[pc_fd_file_hi[fd] - 1];
}

/* A file just opened as fd: tracked when its path is under the directory
 * (and is not an undo log). */
static void pc_track(int fd, const char *path)
{
    const char *dir = getenv("POWERCUT_DIR");
    char full[PATH_MAX];
    size_t n;
    int i;

    if (fd < 0 || fd >= PC_FDS || !dir || !*dir || !realpath(path, full))
        return;
    n = strlen(dir);
    if (strncmp(full, dir, n) != 0 || full[n] != '/' ||
        (strlen(full) > 5 && strcmp(full + strlen(full) - 5, ".undo") == 0))
        return;
    pthread_mutex_lock(&pc_lock);
    for (i = 0; i < pc_nfiles; i++)
        if (strcmp(pc_files[i].path, full) == 0)
            break;
    if (i == pc_nfiles && pc_nfiles < PC_FILES) {
        char undo[PATH_MAX + 8];
        snprintf(undo, sizeof undo, "%s.undo", full);
        pc_files[i].undo = real_openat(AT_FDCWD, undo, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (pc_files[i].undo >= 0) {
            snprintf(pc_files[i].path, sizeof pc_files[i].path, "%s", full);
            pc_nfiles++;
        }
    }
    if (i < pc_nfiles)
        pc_fd_file_hi[fd] = (signed char)(i + 1);
    pthread_mutex_unlock(&pc_lock);
}

/* Logs what [off, off + len) of fd holds now, and its size, before a
 * write or truncation changes it. Called with pc_lock held. */
static void pc_log(struct pc_file *f, int fd, off_t off, size_t len)
{
    struct powercut_rec r = {POWERCUT_MAGIC, (uint64_t)off, 0, 0};
    struct stat st;
    char *pre = NULL;

    if (fstat(fd, &st) != 0)
        return;
    r.old_size = (uint64_t)st.st_size;
    if (off < st.st_size) {
        size_t have = (size_t)(st.st_size - off);
        r.pre_len = have < len ? have : len;
        /* through a descriptor of its own: fd may be write-only */
        int rd = real_openat(AT_FDCWD, f->path, O_RDONLY | O_CLOEXEC, 0);
        ssize_t got = -1;
        if (rd >= 0 && (pre = malloc(r.pre_len ? r.pre_len : 1)) != NULL)
            got = pread(rd, pre, r.pre_len, off);
        if (rd >= 0)
            real_close(rd);
        if (got != (ssize_t)r.pre_len) {
            fprintf(stderr, "powercut: cannot read the old content of %s\n", f->path);
            free(pre);
            return;
        }
    }
    if (real_write(f->undo, &r, sizeof r) != (ssize_t)sizeof r ||
        (r.pre_len && real_write(f->undo, pre, r.pre_len) != (ssize_t)r.pre_len))
        fprintf(stderr, "powercut: undo log of %s: %s\n", f->path, strerror(errno));
    else
        (void)!real_write(f->undo, &r.magic, sizeof r.magic);
    free(pre);
}

/* fd was synced: everything written to its file is durable now. */
static void pc_synced(int fd)
{
    struct pc_file *f = pc_of(fd);

    if (!f)
        return;
    pthread_mutex_lock(&pc_lock);
    if (real_ftruncate(f->undo, 0) != 0)
        fprintf(stderr, "powercut: undo log of %s: %s\n", f->path, strerror(errno));
    pthread_mutex_unlock(&pc_lock);
}

static int pc_open_mode(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, int) : 0;
}

/* Every open goes through openat; a relative path from another folder
 * than the working one is never the database's, which is absolute. */
static int pc_openat(int dirfd, const char *path, int flags, int mode)
{
    int fd;

    pthread_once(&pc_once, pc_init);
    fd = real_openat(dirfd, path, flags, mode);
    if (dirfd == AT_FDCWD || path[0] == '/')
        pc_track(fd, path);
    return fd;
}

/* The mode argument of a variadic open. */
#define PC_MODE(flags, mode)                                                                       \
    do {                                                                                           \
        va_list ap;                                                                                \
        va_start(ap, flags);                                                                       \
        mode = pc_open_mode(flags, ap);                                                            \
        va_end(ap);                                                                                \
    } while (0)

int open(const char *path, int flags, ...);
int open64(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);

int open(const char *path, int flags, ...)
{
    int mode;

    PC_MODE(flags, mode);
    return pc_openat(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    int mode;

    PC_MODE(flags, mode);
    return pc_openat(AT_FDCWD, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    int mode;

    PC_MODE(flags, mode);
    return pc_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    int mode;

    PC_MODE(flags, mode);
    return pc_openat(dirfd, path, flags, mode);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    struct pc_file *f = pc_of(fd);
    ssize_t r;

    if (!f)
        return real_write(fd, buf, n);
    pthread_mutex_lock(&pc_lock);
    pc_log(f, fd, lseek(fd, 0, SEEK_CUR), n);
    r = real_write(fd, buf, n);
    pthread_mutex_unlock(&pc_lock);
    return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off);

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    struct pc_file *f = pc_of(fd);
    ssize_t r;

    if (!f)
        return real_pwrite(fd, buf, n, off);
    pthread_mutex_lock(&pc_lock);
    pc_log(f, fd, off, n);
    r = real_pwrite(fd, buf, n, off);
    pthread_mutex_unlock(&pc_lock);
    return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    return pwrite(fd, buf, n, off);
}

int ftruncate(int fd, off_t len);
int ftruncate64(int fd, off_t len);

int ftruncate(int fd, off_t len)
{
    struct pc_file *f = pc_of(fd);
    struct stat st;
    int r;

    if (!f)
        return real_ftruncate(fd, len);
    pthread_mutex_lock(&pc_lock);
    if (fstat(fd, &st) == 0)
        pc_log(f, fd, len, st.st_size > len ? (size_t)(st.st_size - len) : 0);
    r = real_ftruncate(fd, len);
    pthread_mutex_unlock(&pc_lock);
    return r;
}

int ftruncate64(int fd, off_t len)
{
    return ftruncate(fd, len);
}

/* A disk that fails: while the file $POWERCUT_FAIL exists, a sync of a
 * tracked file fails with EIO and syncs nothing (what a dying disk or a
 * lost network volume does), so that a test can replay a failed fsync. */
static int pc_failing(int fd)
{
    const char *flag = getenv("POWERCUT_FAIL");

    if (!flag || !*flag || !pc_of(fd) || access(flag, F_OK) != 0)
        return 0;
    errno = EIO;
    return 1;
}

int fsync(int fd)
{
    int r;

    pthread_once(&pc_once, pc_init);
    if (pc_failing(fd))
        return -1;
    if ((r = real_fsync(fd)) == 0)
        pc_synced(fd);
    return r;
}

int fdatasync(int fd)
{
    int r;

    pthread_once(&pc_once, pc_init);
    if (pc_failing(fd))
        return -1;
    if ((r = real_fdatasync(fd)) == 0)
        pc_synced(fd);
    return r;
}

int close(int fd)
{
    pthread_once(&pc_once, pc_init);
    if (fd >= 0 && fd < PC_FDS)
        pc_fd_file_hi[fd] = 0;
    return real_close(fd);
}
