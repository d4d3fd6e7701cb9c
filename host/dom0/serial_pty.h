/* host/dom0/serial_pty.h — the stub domain's consoles 3, 4, ... in the dom0 helper: libxl makes
 * one for each of the guest's `serial=` ports, with `output` set to that value, and `xl console
 * <guest>` attaches to console 3's tty (xenconsole reads /local/domain/S/device/console/3/tty).
 * `pty` gets a pseudo-terminal whose path is written there; `file:PATH` appends the output to
 * PATH (a regular file, created 0600, never through a symlink, capped: capped_log.h); anything
 * else is refused in the log. The stub domain's UART is the other end. */
#ifndef DOM0_SERIAL_PTY_H
#define DOM0_SERIAL_PTY_H

#include <poll.h>
#include <stdbool.h>
#include <xenstore.h>

#define SERIAL_WATCH_TOKEN "serial"
#define SERIAL_PTY_CONSOLES 4
#define SERIAL_PTY_POLLFDS (1 + SERIAL_PTY_CONSOLES)   /* the event channels + one per console */

/* Opens the grant and event-channel handles for stub domain `stub` (before the helper drops
 * its privileges); serial_pty_start then watches its console backends and connects those that
 * are ready. */
void serial_pty_init(struct xs_handle *xs, unsigned stub);
void serial_pty_start(void);
/* Connects new consoles, releases those gone; call when a watch fired and once a second. */
void serial_pty_scan(void);
/* Adds the descriptors to poll to pfd (SERIAL_PTY_POLLFDS entries); returns how many. */
unsigned serial_pty_pollfds(struct pollfd *pfd);
/* Moves bytes after a poll: `pfd` is what serial_pty_pollfds filled (n entries). */
void serial_pty_handle(const struct pollfd *pfd, unsigned n);

#endif
