/* host/dom0/capped_log.c — see capped_log.h. */
#define _GNU_SOURCE
#include "capped_log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void capped_log_init(struct capped_log *l, int fd, uint64_t cap)
{
    struct stat st;
    *l = (struct capped_log){ .fd = fd, .cap = cap };
    if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode)) {
        l->regular = true;
        l->size = (uint64_t)st.st_size;
    }
}

ssize_t capped_log_write(struct capped_log *l, const void *buf, size_t n)
{
    if (l->fd < 0) {
        errno = EBADF;
        return -1;
    }
    if (!l->regular)
        return write(l->fd, buf, n);
    if (n > l->cap / 2)
        n = (size_t)(l->cap / 2);   /* a single write never fills the file on its own */
    if (l->size + n > l->cap) {
        char note[96];
        int k = snprintf(note, sizeof note, "--- log truncated at %llu bytes (cap), earlier output dropped ---\n",
                         (unsigned long long)l->cap);
        /* O_APPEND: the next write goes to the new end, 0 */
        if (ftruncate(l->fd, 0) == 0) {
            lseek(l->fd, 0, SEEK_SET);   /* for a descriptor opened without O_APPEND */
            l->size = 0;
            l->truncations++;
            if (write(l->fd, note, (size_t)k) == k)
                l->size = (uint64_t)k;
        } else {
            return -1;   /* cannot truncate: stop growing it */
        }
    }
    ssize_t w = write(l->fd, buf, n);
    if (w > 0)
        l->size += (uint64_t)w;
    return w;
}
