// One output convention for every command, as kubectl and terraform users expect: `-o, --output FORMAT`
// chooses the format and `--output-file PATH` writes it to a file. Spellings of earlier releases (a file
// after `-o`, validate's `--format`) stop with an error that names the new spelling instead of doing
// something else quietly.
import { InvalidArgumentError, Option } from 'commander';

/** The `-o, --output FORMAT` option, accepting `formats` only. */
export function outputOption(formats: readonly string[], def: string): Option {
  return new Option('-o, --output <format>', `output format: ${formats.join(', ')}`)
    .argParser((value: string) => parseFormat(value, formats))
    .default(def);
}

/** Checks a `--output` value; a value that looks like a file gets the `--output-file` spelling in the error. */
export function parseFormat(value: string, formats: readonly string[]): string {
  if (formats.includes(value)) return value;
  const file = /[./\\]/.test(value);
  throw new InvalidArgumentError(
    file
      ? `-o/--output takes a format (${formats.join(', ')}), not a file; to write to ${value}, use --output-file ${value}`
      : `expected one of ${formats.join(', ')} (to write to a file, add --output-file PATH)`,
  );
}

/** The `--output-file PATH` option. */
export function outputFileOption(stdoutGets: string): Option {
  return new Option(
    '--output-file <path>',
    `write the --output format to this file; stdout then gets ${stdoutGets}`,
  );
}

/** A hidden `--format` that only says it is now `-o/--output` (validate's spelling before). */
export function renamedFormatOption(): Option {
  return new Option('--format <format>').hideHelp().argParser((value: string): never => {
    throw new InvalidArgumentError(`--format is now -o/--output: use -o ${value}`);
  });
}

/** Renders `value` as YAML (block style, no line folding), loading the library only then. */
export async function toYaml(value: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(value, { lineWidth: 0 });
}

/** Renders `value` as indented JSON with a final newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/**
 * Writes a command's report: to `outputFile` when one is given (then `onStdout`, the human rendering, goes to
 * stdout), else the report itself to stdout. Throws when the file cannot be written.
 */
export async function emit(
  report: string,
  outputFile: string | undefined,
  onStdout: string,
): Promise<void> {
  if (outputFile === undefined) {
    process.stdout.write(report);
    return;
  }
  const { writeFile } = await import('node:fs/promises');
  try {
    await writeFile(outputFile, report);
  } catch (err) {
    throw new Error(`cannot write ${outputFile}: ${(err as Error).message}`);
  }
  process.stdout.write(onStdout);
}
