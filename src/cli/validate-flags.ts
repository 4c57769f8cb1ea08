// The V8 flags `rolegate validate` runs with, set at run time (v8.setFlagsFromString) by the command and by the
// loader of its compiled script, which must set them before compiling (code-cache.ts): V8 accepts a code cache
// only under the flags it was written with.

/**
 * Keeps V8's young generation at its initial size. A validate run allocates a little short-lived data per file
 * and keeps the loaded objects; by default V8 doubles the young generation's semi-spaces on each scavenge that
 * finds survivors, up to 16 MiB each, which makes the resident peak of a large run grow by tens of MiB without
 * making it faster. The growth factor is read when the young generation grows, so it takes effect when set at
 * run time (the semi-space size flags are read only when the heap is set up).
 */
export const VALIDATE_V8_FLAGS: readonly string[] = ['--semi-space-growth-factor=1'];
