// Reads a very large manifest file (a generated bundle of many thousands of documents) one YAML document at a
// time, so that memory follows what is kept (the objects) rather than the file: the file as one string, plus
// every document parsed at once, held 1.8 GB for 200,000 documents. The documents are cut where YAML itself
// ends them, before a line that starts with `---` (a "forbidden" line, which no scalar or collection may hold
// at column 0), so each part parses as it does in the whole file; positions are then shifted to the file's
// lines. Files below STREAM_MIN_BYTES are read whole, as before (load.ts).
import { readSync } from 'node:fs';
import type { ManifestIssue, ParsedFile } from './types.js';
import { encodingFinding } from './encoding.js';
import { locatorOf } from './locators.js';
import { sortIssues } from './sort-issues.js';

/** Files from this size on are read in parts. */
export const STREAM_MIN_BYTES = 4 << 20;
/** How much of a large file's start is looked at before it is read in parts. */
const SNIFF_BYTES = 4096;
/** How much is read at a time. */
const CHUNK_BYTES = 1 << 20;

const LF = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const DASH = 45;
const HASH = 35;
const PERCENT = 37;

/** Whether the line starting at `at` is a `---` line (as far as the bytes go: `eof` says whether they end the file). */
function isDocumentStart(buf: Buffer, at: number, end: number, eof: boolean): boolean | undefined {
  if (at + 3 > end) return eof ? false : undefined;
  if (buf[at] !== DASH || buf[at + 1] !== DASH || buf[at + 2] !== DASH) return false;
  if (at + 3 === end) return eof ? true : undefined;
  const next = buf[at + 3];
  return next === LF || next === CR || next === SPACE || next === TAB;
}

/**
 * Where to cut before the `---` line at `marker`: directives (`%` lines) before it belong to the document it
 * starts, so the cut moves back over them (and over blank and comment lines among them).
 */
function cutBefore(buf: Buffer, marker: number, floor: number): number {
  let cut = marker;
  let at = marker;
  while (at > floor) {
    let prev = at - 1;
    while (prev > floor && buf[prev - 1] !== LF) prev--;
    const c = buf[prev];
    if (c === PERCENT) cut = prev;
    else if (c !== HASH && c !== LF && c !== CR) break;
    at = prev;
  }
  return cut;
}

function countLines(buf: Buffer, from: number, to: number): number {
  const view = buf.subarray(0, to);
  let n = 0;
  for (let at = view.indexOf(LF, from); at !== -1; at = view.indexOf(LF, at + 1)) n++;
  return n;
}

/** Moves what was parsed from a part starting at file line `lines + 1` (and after `docs` documents) into place. */
function shiftInto(out: ParsedFile, p: ParsedFile, lines: number, docs: number): void {
  const shiftIssue = (i: ManifestIssue): void => {
    if (i.line > 0) i.line += lines;
  };
  // An object's issues are also in p.issues: each is shifted once, there.
  for (const i of p.issues) {
    shiftIssue(i);
    out.issues.push(i);
  }
  for (const i of p.foreign ?? []) {
    shiftIssue(i);
    (out.foreign ??= []).push(i);
  }
  const move = <T>(list: readonly T[], into: T[]): void => {
    for (const o of list) {
      const loaded = o as { line: number; docIndex: number };
      loaded.line += lines;
      loaded.docIndex += docs;
      const loc = locatorOf(o as object);
      if (loc) {
        for (let k = 0; k < loc.lineCols.length; k += 2) {
          if (loc.lineCols[k]! > 0) loc.lineCols[k]! += lines;
        }
      }
      into.push(o);
    }
  };
  move(p.roles, out.roles);
  move(p.providers, out.providers);
}

/**
 * Parses the rest of the open file `fd`, whose first bytes were `head`, one document at a time with
 * `parseText` (parseManifestText). Reports as parseManifestText would on the whole text. `chunkBytes` is
 * how much is read at a time (tests make it small, to cut documents and lines at every place).
 */
export function parseLargeFile(
  fd: number,
  file: string,
  head: Buffer,
  parseText: (file: string, text: string) => ParsedFile,
  chunkBytes = CHUNK_BYTES,
): ParsedFile {
  // UTF-16 or binary: said at once, without looking for `---` lines that UTF-16 text would not have.
  const sniffed = encodingFinding(file, head.subarray(0, SNIFF_BYTES));
  if (sniffed && !sniffed.readable) return { roles: [], providers: [], issues: [sniffed.issue] };
  const out: ParsedFile = { roles: [], providers: [], issues: [], documents: 0 };
  let buf = Buffer.from(head);
  let end = buf.length;
  let eof = false;
  /** Start of the current document in buf, and its line in the file (0-based). */
  let start = 0;
  let line = 0;
  let atFileStart = true;
  let invalidReported = false;
  /** The next line start to look at for a `---`. */
  let scan = 0;

  /** Parses buf[start, cut) and moves `start` to `cut`; false when the file turned out not to be text. */
  const emit = (cut: number): boolean => {
    const bytes = buf.subarray(start, cut);
    const enc = encodingFinding(file, bytes, line + 1, atFileStart);
    atFileStart = false;
    if (enc && !enc.readable) {
      // As for a small file: one finding and nothing else from a file that is not text.
      out.roles = [];
      out.providers = [];
      out.issues = [enc.issue];
      delete out.foreign;
      delete out.documents;
      return false;
    }
    if (enc && !invalidReported) {
      invalidReported = true;
      out.issues.push(enc.issue);
    }
    const p = parseText(file, bytes.toString('utf8'));
    shiftInto(out, p, line, out.documents ?? 0);
    out.documents = (out.documents ?? 0) + (p.documents ?? 0);
    line += countLines(buf, start, cut);
    start = cut;
    return true;
  };

  /** The `---` line that starts the current document, which is not a cut. */
  let opening = 0;
  for (;;) {
    // The next `---` line after the current document's own; `scan` is always at a line start.
    const view = buf.subarray(0, end);
    let cut = -1;
    for (;;) {
      if (scan > start && scan !== opening) {
        const marker = isDocumentStart(view, scan, end, eof);
        if (marker === undefined) break;
        if (marker) {
          cut = cutBefore(view, scan, start);
          opening = scan;
          break;
        }
      }
      const nl = view.indexOf(LF, scan);
      if (nl === -1) break;
      scan = nl + 1;
    }
    if (cut !== -1) {
      // A cut at the start itself (only directives before the `---`) is no cut: go on looking.
      if (cut > start && !emit(cut)) return out;
      continue;
    }
    if (eof) break;
    // Keep the current document (and what follows) and read more after it.
    if (start > 0) {
      buf.copy(buf, 0, start, end);
      end -= start;
      scan -= start;
      opening -= start;
      start = 0;
    }
    if (buf.length - end < chunkBytes) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, end + chunkBytes));
      buf.copy(bigger, 0, 0, end);
      buf = bigger;
    }
    const n = readSync(fd, buf, end, chunkBytes, null);
    if (n === 0) eof = true;
    end += n;
  }
  if (end > start && !emit(end)) return out;
  sortIssues(out.issues);
  return out;
}
