// Runs the real rolegate CLI (dist/, built by `npm run build`) as a child process, the way it runs in a pod,
// and gives tests its JSON log lines and its ops URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { kubeEnv } from './kube-client.js';

const CLI = resolve('dist/cli/main.js');

/**
 * The arguments of `rolegate run --kubernetes` as the tests start it: the test API server's kubeconfig (or
 * `kubeconfig`), ops endpoints on a free loopback port, JSON logs, then `extra`.
 */
export function kubernetesRunArgs(extra: string[] = [], kubeconfig?: string): string[] {
  return [
    'run',
    '--kubernetes',
    '--kubeconfig',
    kubeconfig ?? kubeEnv().KUBECONFIG,
    '--http-addr',
    '127.0.0.1:0',
    '--log-format',
    'json',
    ...extra,
  ];
}

/** The arguments of `rolegate run --dir DIR` as the tests start it: a free loopback port, JSON logs, `extra`. */
export function directoryRunArgs(dir: string, extra: string[] = []): string[] {
  return ['run', '--dir', dir, '--http-addr', '127.0.0.1:0', '--log-format', 'json', ...extra];
}

/** A running rolegate process. */
export interface RolegateProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Record<string, unknown>[];
  /** The /healthz,/readyz,/metrics base URL, once the process logged it. */
  opsUrl(): Promise<string>;
  /** Resolves with the first log line matching `pred`. */
  waitForLog(
    pred: (l: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** How a test runs the rolegate process. */
export interface StartOptions {
  /**
   * Make file modes apply to it. The tests run as root, which reads a file whatever its mode; rolegate then runs
   * as root without the capabilities that override file modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), through
   * util-linux's setpriv. Not as another user: that user could not reach a checkout in a private directory.
   */
  fileModesApply?: boolean;
}

/** The capabilities that let root read and search whatever the file modes say. */
const DAC_CAPS = '-dac_override,-dac_read_search';

/** Starts `rolegate <args>`; fails loudly when dist/ has not been built. */
export function startRolegate(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  opts: StartOptions = {},
): RolegateProcess {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const asRoot = process.getuid?.() === 0;
  const [command, argv] =
    opts.fileModesApply && asRoot
      ? [
          'setpriv',
          [
            `--bounding-set=${DAC_CAPS}`,
            `--inh-caps=${DAC_CAPS}`,
            '--',
            process.execPath,
            CLI,
            ...args,
          ],
        ]
      : [process.execPath, [CLI, ...args]];
  const child = spawn(command, argv, {
    env: { ...process.env, ROLEGATE_LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: {
    pred: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  let buf = '';
  let stderr = '';
  const onLine = (line: string): void => {
    if (!line.trim()) return;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      parsed = { msg: line };
    }
    logs.push(parsed);
    for (const w of [...waiters]) {
      if (w.pred(parsed)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitForLog = (
    pred: (l: Record<string, unknown>) => boolean,
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>> => {
    const found = logs.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((res, rej) => {
      const t = setTimeout(
        () =>
          rej(
            new Error(
              `no matching log line within ${timeoutMs} ms; stderr: ${stderr}; last logs: ${JSON.stringify(logs.slice(-5))}`,
            ),
          ),
        timeoutMs,
      );
      waiters.push({ pred, resolve: (l) => (clearTimeout(t), res(l)) });
      void exited.then((code) => {
        clearTimeout(t);
        rej(
          new Error(
            `rolegate exited (${code}) before the expected log line; stderr: ${stderr}; last logs: ${JSON.stringify(logs.slice(-5))}`,
          ),
        );
      });
    });
  };
  return {
    child,
    logs,
    waitForLog,
    opsUrl: async () =>
      String(
        (await waitForLog((l) => typeof l.url === 'string' && String(l.msg).startsWith('serving')))
          .url,
      ),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
