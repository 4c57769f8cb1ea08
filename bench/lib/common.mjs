// Helpers shared by the benchmark suites: statistics, tables, child processes with peak memory and CPU,
// free ports, bounded polling. Plain Node ESM, no dependencies.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem, release, platform, arch } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** The median of numbers (the mean of the middle two for an even count); undefined when empty. */
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Runs `fn(i)` `runs` times one after the other and returns the results. */
export async function repeat(runs, fn) {
  const out = [];
  for (let i = 0; i < runs; i++) out.push(await fn(i));
  return out;
}

/** Median of each numeric field over a list of result objects (non-numeric fields from the first). */
export function medianOf(results) {
  const out = { ...results[0] };
  for (const k of Object.keys(results[0] ?? {})) {
    if (typeof results[0][k] === 'number') out[k] = median(results.map((r) => r[k]));
  }
  out.runs = results.length;
  return out;
}

/** Rounds for display: integers as is, small numbers with up to `d` decimals. */
export function fmt(x, d = 2) {
  if (x === undefined || x === null) return '-';
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : d;
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A plain-text table with right-aligned numbers. */
export function table(title, headers, rows) {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : String(c ?? '-'))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r, numeric) =>
    r
      .map((c, i) =>
        numeric && /^[-\d.,%×x ]+$/.test(c) && i > 0 ? c.padStart(widths[i]) : c.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd();
  return [
    `\n${title}`,
    line(headers, false),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map((r) => line(r, true)),
  ].join('\n');
}

/** The machine a run was measured on. */
export function machine() {
  const c = cpus();
  let distro;
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch {
    distro = undefined;
  }
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryMB: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}${distro ? ` (${distro})` : ''}`,
  };
}

/** A free TCP port on 127.0.0.1 (racy in theory, good enough for a child that binds it at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** VmHWM (peak RSS) and VmRSS of a live process in MB, from /proc; undefined when unreadable. */
export function procMemory(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1]);
    return { hwmMB: kb('VmHWM') / 1024, rssMB: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

const CLK_TCK = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a live process has used so far, from /proc/<pid>/stat. */
export function procCpuSeconds(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/**
 * Starts a child process, collecting stdout/stderr (bounded) and its peak memory: VmHWM polled every
 * 50 ms while it runs (the last value read before exit is kept). Resolves on exit or rejects after timeoutMs
 * (the child is then killed by pid).
 */
export function runChild(cmd, args, { timeoutMs = 600_000, env, cwd, keep = 4 << 20 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      env: env ?? process.env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      if (stdout.length < keep) stdout += d;
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < keep) stderr += d;
    });
    let peakMB = 0;
    const poll = setInterval(() => {
      const m = procMemory(child.pid);
      if (m && m.hwmMB > peakMB) peakMB = m.hwmMB;
    }, 50);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, peakMB });
    });
  });
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * runChild with the peak RSS the kernel accounted for the finished process, from `/usr/bin/time -v` when it is
 * installed (else runChild's polling of VmHWM, which misses peaks shorter than its 50 ms).
 */
export async function measured(cmd, args, opts) {
  const r = TIME
    ? await runChild(TIME, ['-v', cmd, ...args], opts)
    : await runChild(cmd, args, opts);
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
  return { ...r, peakMB: kb ? Number(kb) / 1024 : r.peakMB };
}

/**
 * measured() of a command that prints one JSON document with a `summary` (rolegate validate -o json, kubeconform
 * -summary -output json): the run, and that summary (undefined when the output is not such a document).
 */
export async function measuredSummary(cmd, args) {
  const r = await measured(cmd, args, { timeoutMs: 600_000, keep: 256 << 20 });
  let summary;
  try {
    summary = JSON.parse(r.stdout).summary;
  } catch {
    summary = undefined;
  }
  return { ...r, summary };
}

/** Polls `check` every `everyMs` until it returns a truthy value or `timeoutMs` passes (then undefined). */
export async function until(check, { timeoutMs, everyMs = 100 }) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) return undefined;
    await sleep(everyMs);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; returns results in order. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Logs progress to stderr (tables go to stdout). */
export function progress(msg) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
