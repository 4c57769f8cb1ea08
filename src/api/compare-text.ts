// Sorting by String.prototype.localeCompare orders by the collation of the process's default locale: the same
// input can sort differently on two machines (so canonical forms, status and reports would differ), and the
// first call loads ICU's collation data, several megabytes of resident memory in a long-running controller.

/**
 * Compares two strings by UTF-16 code units, as `<` does: the same order on every machine and locale, for use in
 * `Array.prototype.sort`. Negative when `a` sorts first, positive when `b` does, 0 when equal.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
