// Runs the built rolegate CLI (dist/) once, as a user would, in a working directory.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** The outcome of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const CLI = resolve('dist/cli/main.js');

/** Runs `rolegate <args>` in `cwd`; never rejects, the exit code is in the result. */
export function runCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, timeout: 90_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
