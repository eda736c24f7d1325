/** How many fds this process has open (Linux: `/proc/self/fd`). */
import fs from 'node:fs';

export const openFds = (): number => fs.readdirSync('/proc/self/fd').length;
