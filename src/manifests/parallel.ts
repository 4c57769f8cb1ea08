// Reads and parses many manifest files on several CPUs, when asked to. Parsing and validating are CPU-bound
// and per file, so the files are split into chunks handed to worker threads as they become free, while the
// main thread parses chunks too (a worker takes a while to load its modules; the main thread is not idle
// meanwhile). Results are put back in file order, so the output does not depend on which
// thread parsed what.
//
// Not the default: a file parsed in process is cheap, and a file parsed in a worker still costs the main thread
// part of that to receive its result (structured clone), plus the worker's start-up; it can only pay off with
// idle cores and very large trees (measurements in docs/benchmarks.md).
import { availableParallelism } from 'node:os';
import type { LoadedObject, ParsedFile } from './types.js';
import { locatorOf, setLocator, type Locator } from './locators.js';

/** A file to parse: its absolute path and the path reported in issues. */
export interface ManifestFile {
  abs: string;
  shown: string;
}

/** How loadManifests spreads files over threads. */
export interface ParallelOptions {
  /**
   * Worker threads besides the main thread. 0 (the default) parses in process; `auto` is one fewer than the
   * CPUs (at most MAX_AUTO_WORKERS), and none below PARALLEL_MIN_FILES files.
   */
  workers?: number | 'auto';
  /** The worker's script (the compiled parse-worker.js); tests running from sources point it at dist/. */
  workerScript?: URL;
}

/**
 * Below this many files, `auto` uses no worker: at ~30 µs per file, 2,000 files take about 60 ms in process,
 * less than a worker takes to start.
 */
export const PARALLEL_MIN_FILES = 2000;
/**
 * At most this many workers for `auto`: the main thread's own share (receiving results, cross-checks, the
 * report) does not shrink with more, and os.availableParallelism() counts the host's CPUs in a container
 * with a CPU quota.
 */
export const MAX_AUTO_WORKERS = 3;
/** Files per chunk: small enough to balance the threads, large enough that messages stay few. */
const CHUNK = 256;

/** A chunk sent to a worker. */
export interface ChunkRequest {
  id: number;
  files: ManifestFile[];
}

/** A worker's answer: each file's result and the locators of its objects (WeakMap entries do not travel). */
export interface ChunkResult {
  id: number;
  parsed: ParsedFile[];
  /** Per file, the locators of `[...roles, ...providers]`, in that order. */
  locators: (Locator | undefined)[][];
}

const objectsOf = (p: ParsedFile): LoadedObject<unknown>[] => [...p.roles, ...p.providers];

/** Packs a chunk's results for postMessage (one message, so issues shared by a file and its objects stay shared). */
export function packChunk(id: number, parsed: ParsedFile[]): ChunkResult {
  return { id, parsed, locators: parsed.map((p) => objectsOf(p).map((o) => locatorOf(o))) };
}

/** Re-attaches the locators of a chunk received from a worker. */
function unpackChunk(r: ChunkResult): ParsedFile[] {
  r.parsed.forEach((p, i) => {
    objectsOf(p).forEach((o, j) => {
      const loc = r.locators[i]?.[j];
      if (loc) setLocator(o, loc);
    });
  });
  return r.parsed;
}

/**
 * The compiled worker script, dist/manifests/parse-worker.js; undefined when running from TypeScript sources. The
 * path is relative to both places this module runs from: dist/manifests (tsc's output) and dist/cli (the bundled
 * command line, scripts/bundle-cli.mjs).
 */
function defaultWorkerScript(): URL | undefined {
  return import.meta.url.endsWith('.js')
    ? new URL('../manifests/parse-worker.js', import.meta.url)
    : undefined;
}

/** How many workers `auto` starts for `files` files on `cpus` CPUs. */
export function autoWorkers(files: number, cpus: number = availableParallelism()): number {
  if (files < PARALLEL_MIN_FILES) return 0;
  const lanes = Math.min(cpus, Math.ceil(files / CHUNK));
  return Math.max(0, Math.min(MAX_AUTO_WORKERS, lanes - 1));
}

/**
 * Parses `files` with `parseOne`, in process or spread over worker threads (which run the same function), and
 * hands each result to `onFile` in the order of `files`, as soon as it and all before it are parsed: the
 * caller keeps only what it needs, so per-file results do not pile up (and age into the old generation).
 */
export async function parseFiles(
  files: readonly ManifestFile[],
  parseOne: (abs: string, shown: string) => ParsedFile,
  onFile: (parsed: ParsedFile) => void,
  opts: ParallelOptions = {},
): Promise<void> {
  const script = opts.workerScript ?? defaultWorkerScript();
  const asked = opts.workers ?? 0;
  const workers = asked === 'auto' ? autoWorkers(files.length) : asked;
  if (workers <= 0 || files.length === 0 || script === undefined) {
    for (const f of files) onFile(parseOne(f.abs, f.shown));
    return;
  }
  // Loaded only here: importing node:worker_threads costs start-up time in every run, and workers are opt-in.
  const { Worker } = await import('node:worker_threads');
  const chunks: ChunkRequest[] = [];
  for (let i = 0; i < files.length; i += CHUNK) {
    chunks.push({ id: chunks.length, files: files.slice(i, i + CHUNK) });
  }
  const results: (ParsedFile[] | undefined)[] = new Array<ParsedFile[] | undefined>(chunks.length);
  let next = 0;
  let flushed = 0;
  const done = (): boolean => next >= chunks.length;
  const store = (id: number, parsed: ParsedFile[]): void => {
    results[id] = parsed;
    for (let r = results[flushed]; r !== undefined; r = results[flushed]) {
      for (const p of r) onFile(p);
      results[flushed++] = undefined;
    }
  };

  const runWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = new Worker(script);
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        void worker.terminate();
        resolve();
      };
      const feed = (): void => {
        if (done()) return finish();
        worker.postMessage(chunks[next++]);
      };
      worker.on('message', (r: ChunkResult) => {
        store(r.id, unpackChunk(r));
        feed();
      });
      // A worker that fails (it should not: parseOne never throws) must not lose its chunk: the chunks
      // never stored are parsed in process at the end.
      worker.on('error', finish);
      worker.on('exit', finish);
      feed();
    });

  const running = Array.from({ length: Math.min(workers, chunks.length) }, runWorker);
  // The main thread takes chunks too, yielding between them so that finished workers get their next chunk.
  while (!done()) {
    const c = chunks[next++]!;
    store(
      c.id,
      c.files.map((f) => parseOne(f.abs, f.shown)),
    );
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(running);
  // Whatever is left unflushed now is a chunk whose worker failed, parsed here; the ones after it follow.
  while (flushed < chunks.length) {
    store(
      flushed,
      chunks[flushed]!.files.map((f) => parseOne(f.abs, f.shown)),
    );
  }
}
