// `rolegate validate`: the CI face of rolegate. Schema (from crds/), CEL rules, metadata, YAML 1.1 traps and
// cross-file checks, every problem at file:line:col with an RFC 6901 pointer, in the formats CI systems read.
// Exit codes: 0 valid (warnings allowed unless --strict), 1 invalid or could not run (a usage error, a missing
// path, an unreadable file): the report says which.
import { setFlagsFromString } from 'node:v8';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadManifests, ManifestPathError, type LoadResult } from '../manifests/load.js';
import { InputError, readStdin, resolveInputs, STDIN_LABEL } from './inputs.js';
import { emit, outputFileOption, outputOption, renamedFormatOption, toYaml } from './output.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { buildReport, type ValidateReport } from './report/types.js';
import { renderText } from './report/text.js';
import { renderJson, toJson } from './report/json.js';
import { renderJunit } from './report/junit.js';
import { renderGithub } from './report/github.js';
import { renderSarif } from './report/sarif.js';
import { VALIDATE_V8_FLAGS } from './validate-flags.js';
import { packageVersion } from './package-version.js';

/** The output formats of `rolegate validate`. */
export const FORMATS = ['text', 'json', 'yaml', 'junit', 'github', 'sarif'] as const;
/** An output format of `rolegate validate`. */
export type Format = (typeof FORMATS)[number];

/** Options of runValidate (the command's flags). */
export interface ValidateOptions {
  format?: Format;
  /** Write the report here; stdout then gets the text report. */
  outputFile?: string;
  /** Manifests read from standard input, shown as `<stdin>`. */
  stdin?: string;
  /** Warnings fail the run, an unknown providerRef is an error, and documents of other groups are reported. */
  strict?: boolean;
  /** Text and github formats: errors only, no summary. */
  quiet?: boolean;
  /** Worker threads that parse files besides the main thread: 0 (the default), a number, or `auto`. */
  workers?: number | 'auto';
}

/** What runValidate returns: the exit code and what to print on stdout. */
export interface ValidateRun {
  exitCode: 0 | 1;
  /** What the command prints on stdout. */
  output: string;
  /** The report, for callers that want data rather than text. */
  report: ValidateReport;
}

function toolVersion(): string | undefined {
  try {
    return packageVersion();
  } catch {
    return undefined;
  }
}

/** Renders a report in one format. */
export async function render(
  report: ValidateReport,
  format: Format,
  opts: { quiet?: boolean } = {},
): Promise<string> {
  const quiet = opts.quiet === true ? { quiet: true } : {};
  switch (format) {
    case 'text':
      return renderText(report, quiet);
    case 'json':
      return renderJson(report);
    case 'yaml':
      return toYaml(toJson(report));
    case 'junit':
      return renderJunit(report);
    case 'github':
      return renderGithub(report, quiet);
    case 'sarif': {
      const v = toolVersion();
      return renderSarif(report, v ? { toolVersion: v } : {});
    }
  }
}

/**
 * Validates the manifests under `paths` (and `opts.stdin`) and renders the report. Never throws for bad input:
 * a missing path, an unreadable file or an unwritable --output-file is a finding, and the exit code is 1.
 */
export async function runValidate(
  paths: string[],
  opts: ValidateOptions = {},
): Promise<ValidateRun> {
  const format = opts.format ?? 'text';
  const strict = opts.strict === true;
  let result: LoadResult;
  try {
    result = await loadManifests(paths, {
      strict,
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      ...(opts.stdin !== undefined ? { texts: [{ file: STDIN_LABEL, text: opts.stdin }] } : {}),
    });
  } catch (err) {
    if (!(err instanceof ManifestPathError)) throw err;
    result = ioFailure(err.path, err.message);
  }
  const report = buildReport(result, strict);
  const ioError = report.issues.some((i) => i.severity === 'error' && i.rule.startsWith('io.'));
  let exitCode: 0 | 1 = ioError || !report.valid ? 1 : 0;
  const quiet = opts.quiet === true ? { quiet: true } : {};
  let output: string;
  if (opts.outputFile !== undefined) {
    output = renderText(report, quiet);
    try {
      // Loaded only for --output-file: node:fs/promises costs a few ms of start-up that most runs do not need.
      const { writeFile } = await import('node:fs/promises');
      await writeFile(opts.outputFile, await render(report, format, quiet));
    } catch (err) {
      output += `Error: cannot write ${opts.outputFile}: ${(err as Error).message}\n`;
      exitCode = 1;
    }
  } else {
    output = await render(report, format, quiet);
  }
  if (exitCode === 1) report.valid = false;
  return { exitCode, output, report };
}

/**
 * A load that could not start (a missing path, a glob without matches), still rendered in the requested
 * format so that a SARIF or JUnit consumer gets a report that says why.
 */
function ioFailure(path: string, message: string): LoadResult {
  return {
    roles: [],
    providers: [],
    files: [],
    issues: [
      {
        file: path,
        line: 0,
        col: 0,
        pointer: '',
        rule: 'io.not-found',
        severity: 'error',
        message,
      },
    ],
  };
}

/**
 * Sets validate's V8 flags (validate-flags.ts) for the rest of this process. Only the command line does this: a
 * process that embeds runValidate keeps its own settings.
 */
function setValidateFlags(): void {
  for (const flag of VALIDATE_V8_FLAGS) setFlagsFromString(flag);
}

/** Parses `--workers`: `auto` or a whole number from 0 to 64. */
export function parseWorkers(value: string): number | 'auto' {
  if (value === 'auto') return value;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 64) {
    throw new InvalidArgumentError('expected auto or a whole number from 0 to 64');
  }
  return n;
}

/** The `rolegate validate` command. */
export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'Validate PrivilegedRole and IdentityProvider manifests: schema, CRD rules, YAML 1.1 traps and cross-file checks, with file:line:col',
    )
    .argument(
      '<paths...>',
      "files or directories (searched recursively for .yaml, .yml and .json), quoted globs ('manifests/**/*.yaml'), or - for standard input",
    )
    .addOption(outputOption(FORMATS, 'text'))
    .addOption(outputFileOption('the text report'))
    .addOption(renamedFormatOption())
    .option(
      '--strict',
      'warnings fail the run, a providerRef to an IdentityProvider outside the paths is an error, and documents of other API groups are reported',
      false,
    )
    .option('-q, --quiet', 'text and github formats: print errors only, without the summary', false)
    .addOption(
      new Option(
        '--workers <n>',
        'threads that parse files besides the main one; auto: one per extra CPU (at most 3) from 2,000 files',
      )
        .argParser(parseWorkers)
        .default(0),
    )
    .addHelpText(
      'after',
      `
${EXIT_CODES_HELP.validate}

Every problem has a file, line, column, an RFC 6901 pointer into the document and a stable rule id, e.g.
  roles/ga.yaml:12:16: error: Field spec.mfaRequired must be a boolean: kubectl (YAML 1.1) ... [yaml.bool-1.1] (at /spec/mfaRequired)
Manifests read from standard input (-) are shown as <stdin>, with their lines.

Formats (-o):
  text    one line per problem, then "N files, M objects: X errors, Y warnings"
  json    {version, valid, strict, files, objects, errors, warnings, problems[{file, line, col, pointer, rule, severity, message, object?}], summary}
  yaml    the json document as YAML
  junit   one testsuite per file, one testcase per object (GitLab, Jenkins)
  github  ::error file=…,line=…,col=…,title=rolegate validate [rule]::message (pull request annotations)
  sarif   SARIF 2.1.0 (GitHub code scanning)

Examples:
  rolegate validate manifests/
  rolegate validate --strict manifests/ idp/                        # warnings fail too
  rolegate validate 'manifests/**/*.yaml'                           # a quoted glob, expanded by rolegate
  kustomize build overlays/prod | rolegate validate -               # standard input
  rolegate validate -o github manifests/                            # in GitHub Actions
  rolegate validate -o junit --output-file report.xml manifests/    # GitLab test report
  rolegate validate -o sarif --output-file rolegate.sarif .         # upload with github/codeql-action/upload-sarif`,
    )
    .action(
      async (
        args: string[],
        o: {
          output: Format;
          outputFile?: string;
          strict: boolean;
          quiet: boolean;
          workers?: number | 'auto';
        },
      ) => {
        setValidateFlags();
        let paths: string[];
        let stdin: string | undefined;
        try {
          const inputs = resolveInputs(args);
          paths = inputs.paths;
          if (inputs.stdin) stdin = await readStdin();
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          const report = buildReport(ioFailure(err.path, err.message), o.strict);
          report.valid = false;
          await emit(await render(report, o.output), o.outputFile, renderText(report));
          process.exitCode = 1;
          return;
        }
        const run = await runValidate(paths, {
          format: o.output,
          strict: o.strict,
          quiet: o.quiet,
          ...(stdin !== undefined ? { stdin } : {}),
          ...(o.outputFile !== undefined ? { outputFile: o.outputFile } : {}),
          ...(o.workers !== undefined ? { workers: o.workers } : {}),
        });
        process.stdout.write(run.output);
        process.exitCode = run.exitCode;
      },
    );
}
