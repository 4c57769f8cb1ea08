// The process logger, one convention for every command and the controller, after the Kubernetes structured
// logging conventions: string levels, ISO-8601 times, a message for humans and lowerCamelCase context keys; the
// object a line is about as `kind`, `namespace` and `name`; `reconcileID` on every line written while a
// reconcile runs. Two renderings of the same records: JSON lines (one object per line) for machines, and text
// (`Warning: …`, `Error: …`) for a person at a terminal. Secrets are redacted by path; rolegate never puts a
// secret in a message string.
import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { pino, stdSerializers, stdTimeFunctions, type Logger } from 'pino';
import { splitKey } from './api/keys.js';

export type { Logger } from 'pino';

/** Paths that may carry secrets in log objects. */
export const REDACT_PATHS = [
  'clientSecret',
  '*.clientSecret',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
];

/** The levels `--log-level` and ROLEGATE_LOG_LEVEL accept, most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The renderings `--log-format` accepts: `auto` is text on a terminal and JSON otherwise. */
export const LOG_FORMATS = ['auto', 'json', 'text'] as const;
/** A log rendering. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The environment variable that sets the log level when `--log-level` is not given. */
export const LOG_LEVEL_ENV = 'ROLEGATE_LOG_LEVEL';

/**
 * The level to log at: the flag if given, else ROLEGATE_LOG_LEVEL, else `fallback`. Throws on a value that is
 * not a level, naming where it came from (a typo in a Deployment's env must not silence the logs).
 */
export function resolveLogLevel(
  flag: string | undefined,
  fallback: LogLevel,
  env: NodeJS.ProcessEnv = process.env,
): LogLevel {
  const fromEnv = env[LOG_LEVEL_ENV];
  const [value, from] =
    flag !== undefined
      ? [flag, '--log-level']
      : fromEnv !== undefined && fromEnv !== ''
        ? [fromEnv, LOG_LEVEL_ENV]
        : [fallback, 'the default'];
  const level = value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`${from} ${value} is not a log level (one of ${LOG_LEVELS.join(', ')})`);
  }
  return level as LogLevel;
}

/** Options of the process logger. */
export interface LogOptions {
  level?: LogLevel;
  /** `auto` (the default): text when the destination is a terminal, JSON otherwise. */
  format?: LogFormat;
  /** Where to write: stdout by default (the controller), stderr for one-shot commands. */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Text rendering: start each line with the local time (the controller, not one-shot commands). */
  timestamps?: boolean;
}

const reconcileContext = new AsyncLocalStorage<{ reconcileID: string }>();

/**
 * Runs `fn` as one reconcile: every line logged inside it, by any logger made here, carries `reconcileID`, so
 * the lines of one reconcile can be found together when several run at once.
 */
export function withReconcileID<T>(reconcileID: string, fn: () => Promise<T>): Promise<T> {
  return reconcileContext.run({ reconcileID }, fn);
}

/**
 * The fields that name an object in a log line: `kind`, `namespace` (namespaced kinds only) and `name`, from
 * its metadata or its key (`namespace/name`, or `name`).
 */
export function objectFields(
  kind: string,
  ref: string | { name: string; namespace?: string | undefined },
): { kind: string; namespace?: string; name: string } {
  const { namespace, name } = typeof ref === 'string' ? splitKey(ref) : ref;
  return namespace ? { kind, namespace, name } : { kind, name };
}

/**
 * Fields the text rendering leaves out: what every line has, and the reconcile id (for grouping lines in a
 * log store; a person at a terminal reads them in order).
 */
const ENVELOPE = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname', 'reconcileID']);

const PREFIX: Readonly<Record<string, string>> = {
  fatal: 'Error: ',
  error: 'Error: ',
  warn: 'Warning: ',
  debug: 'Debug: ',
  trace: 'Trace: ',
};

function showValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/**
 * Renders one JSON log record as a line for a person: `Warning: ` or `Error: ` before the message (nothing
 * for info), then the context as `key=value`, leaving out what every line has and any value the message
 * already says (a manifest problem's file, line and column).
 */
export function renderTextRecord(record: Record<string, unknown>, timestamps = false): string {
  const level = typeof record.level === 'string' ? record.level : 'info';
  const msg = typeof record.msg === 'string' ? record.msg : '';
  const said = saidFields(record, msg);
  const context = Object.entries(record)
    .filter(([k, v]) => !ENVELOPE.has(k) && v !== undefined && !said.has(k))
    .map(([k, v]) => `${k}=${showValue(v)}`);
  let time = '';
  if (timestamps && typeof record.time === 'string') {
    const d = new Date(record.time);
    time = `${[d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')} `;
  }
  return `${time}${PREFIX[level] ?? ''}${msg}${context.length ? `  ${context.join(' ')}` : ''}\n`;
}

/**
 * The fields a message already says: the position, rule and pointer of a manifest problem whose message
 * starts with `file:line:col`, and the object of a message that names it as `namespace/name`.
 */
function saidFields(record: Record<string, unknown>, msg: string): Set<string> {
  const said = new Set<string>();
  const { file, line, col, rule, pointer, namespace, name } = record;
  if (typeof file === 'string' && msg.startsWith(`${file}:${String(line)}:${String(col)}`)) {
    for (const k of ['file', 'line', 'col']) said.add(k);
    if (typeof rule === 'string' && msg.includes(`[${rule}]`)) said.add('rule');
    if (typeof pointer === 'string' && (pointer === '' || msg.includes(`(at ${pointer})`)))
      said.add('pointer');
  }
  if (typeof name === 'string') {
    const ref = typeof namespace === 'string' ? `${namespace}/${name}` : name;
    if (msg.includes(ref)) for (const k of ['kind', 'namespace', 'name']) said.add(k);
  }
  return said;
}

/** A pino destination that renders each record as text onto `out`. */
function textDestination(
  out: NodeJS.WritableStream,
  timestamps: boolean,
): { write(line: string): void } {
  return {
    write(line: string): void {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(renderTextRecord(record, timestamps));
    },
  };
}

/** Creates the process logger. */
export function createLogger(opts: LogOptions = {}): Logger {
  const out = opts.destination ?? process.stdout;
  const format = opts.format ?? 'auto';
  const text = format === 'text' || (format === 'auto' && out.isTTY === true);
  const options = {
    level: opts.level ?? resolveLogLevel(undefined, 'info'),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { app: 'rolegate', pid: process.pid, hostname: hostname() },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    // a fresh object each time: pino merges the line's fields into what mixin returns
    mixin: (): Record<string, string> => {
      const id = reconcileContext.getStore()?.reconcileID;
      return id === undefined ? {} : { reconcileID: id };
    },
    // rolegate logs safe summaries of errors (no bodies, no headers); only real Errors get the stack treatment
    serializers: { err: (e: unknown): unknown => (e instanceof Error ? stdSerializers.err(e) : e) },
  };
  if (text) return pino(options, textDestination(out, opts.timestamps ?? false));
  // stdout through pino's own synchronous writer; another stream (stderr, tests) as given
  return opts.destination ? pino(options, opts.destination as never) : pino(options);
}
