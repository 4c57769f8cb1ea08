// `--log-level` and `--log-format`, the same on every command: the level comes from the flag, else
// ROLEGATE_LOG_LEVEL, else the command's default; the format is text on a terminal and JSON lines otherwise.
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  createLogger,
  LOG_FORMATS,
  LOG_LEVEL_ENV,
  LOG_LEVELS,
  resolveLogLevel,
  type LogFormat,
  type Logger,
  type LogLevel,
} from '../log.js';

/** The options as commander hands them over. */
export interface LogFlags {
  logLevel?: string;
  logFormat: LogFormat;
}

/** Parses `--log-format`; `pretty`, the name before `text`, is still read as `text`. */
export function parseLogFormat(value: string): LogFormat {
  if (value === 'pretty') return 'text';
  if ((LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new InvalidArgumentError(`expected one of ${LOG_FORMATS.join(', ')}`);
}

/** Adds `--log-level` and `--log-format` to a command whose logs go to `where`. */
export function withLogOptions(c: Command, defaultLevel: LogLevel, where: string): Command {
  return c
    .addOption(
      new Option(
        '--log-level <level>',
        `${LOG_LEVELS.join(', ')} (default: ${LOG_LEVEL_ENV}, else ${defaultLevel}); logs go to ${where}`,
      ).argParser((v: string) => {
        if (!(LOG_LEVELS as readonly string[]).includes(v))
          throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}`);
        return v;
      }),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'auto (text on a terminal, JSON lines otherwise), json or text',
      )
        .argParser(parseLogFormat)
        .default('auto'),
    );
}

/** The logger of a command run with these flags. */
export function commandLogger(
  flags: LogFlags,
  defaultLevel: LogLevel,
  opts: { destination?: NodeJS.WritableStream & { isTTY?: boolean }; timestamps?: boolean } = {},
): Logger {
  return createLogger({
    level: resolveLogLevel(flags.logLevel, defaultLevel),
    format: flags.logFormat,
    ...opts,
  });
}
