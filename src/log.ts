// The process logger: JSON lines (one object per line) unless stdout is a terminal, where it is pretty.
// Secrets are redacted by path; rolegate never puts a secret in a message string.
import { pino, stdSerializers, type Logger } from 'pino';

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

/** Options of the process logger. */
export interface LogOptions {
  level?: string;
  /** Force JSON even on a terminal, or pretty even when piped. */
  format?: 'json' | 'pretty' | 'auto';
  /** Where to write (tests). */
  destination?: NodeJS.WritableStream;
}

/** Creates the process logger. */
export function createLogger(opts: LogOptions = {}): Logger {
  const format = opts.format ?? 'auto';
  const pretty =
    format === 'pretty' ||
    (format === 'auto' && process.stdout.isTTY === true && !opts.destination);
  const base = {
    level: opts.level ?? process.env.ROLEGATE_LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { app: 'rolegate' },
    // rolegate logs safe summaries of errors (no bodies, no headers); only real Errors get the stack treatment
    serializers: { err: (e: unknown): unknown => (e instanceof Error ? stdSerializers.err(e) : e) },
  };
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' },
      },
    });
  }
  return opts.destination ? pino(base, opts.destination as never) : pino(base);
}
