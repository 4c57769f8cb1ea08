// Runs the built rolegate CLI (dist/) once, as a user would, in a working directory.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The outcome of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI's entry point. */
export const CLI = resolve('dist/cli/main.js');

/**
 * Runs `rolegate <args>` in `cwd`; never rejects, the exit code is in the result. `input` is written to its
 * standard input (which is otherwise closed at once).
 */
export function runCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  input?: string,
): Promise<CliResult> {
  return new Promise((res) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, timeout: 90_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

/** A CLI run with its wall time and peak memory. */
export interface MeasuredCliResult extends CliResult {
  ms: number;
  /** Peak resident set size of the CLI process, in MiB. */
  peakRssMiB: number;
}

const PEAK_RSS = resolve('test/harness/peak-rss.mjs');

/**
 * runCli for large inputs: stdout of any size (up to 1 GiB), a time limit of `timeoutMs`, and the process's
 * wall time and peak RSS (reported by the process itself on exit, see peak-rss.mjs).
 */
export function runCliMeasured(
  args: string[],
  cwd: string,
  timeoutMs = 110_000,
): Promise<MeasuredCliResult> {
  const started = performance.now();
  return new Promise((res) => {
    execFile(
      process.execPath,
      ['--import', pathToFileURL(PEAK_RSS).href, CLI, ...args],
      { cwd, timeout: timeoutMs, maxBuffer: 1 << 30, env: process.env },
      (err, stdout, stderr) => {
        const ms = performance.now() - started;
        const m = /\npeak-rss-kib=(\d+)\n$/.exec(stderr);
        res({
          code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
          stdout,
          stderr: m ? stderr.slice(0, m.index) : stderr,
          ms,
          peakRssMiB: m ? Number(m[1]) / 1024 : NaN,
        });
      },
    );
  });
}
