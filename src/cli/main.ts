#!/usr/bin/env node
// The rolegate command line. Exit codes follow Terraform's contract (exit-codes.ts): 0 success, 1 error, 2 only
// with --detailed-exitcode; errors go to stderr as `Error: …`.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT_CODES_HELP, EXIT_ERROR } from './exit-codes.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * The subcommands, each loaded only when asked for: `rolegate validate` runs in CI on every push, and loading
 * the controller's dependencies (the Kubernetes client, pino, @azure/identity) tripled its start-up time.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  validate: async () => (await import('./validate.js')).validateCommand(),
  plan: async () => (await import('./plan.js')).planCommand(),
  apply: async () => (await import('./apply.js')).applyCommand(),
  run: async () => (await import('./run.js')).runCommand(),
  export: async () => (await import('./export.js')).exportCommand(),
  alerts: async () => (await import('./alerts.js')).alertsCommand(),
  report: async () => (await import('./report-command.js')).reportCommand(),
  emulator: async () => (await import('./emulator.js')).emulatorCommand(),
  version: async () => (await import('./version.js')).versionCommand(),
  completion: async () => (await import('./completion.js')).completionCommand(() => program()),
};

/**
 * Builds the program with the subcommands named in `only` (all of them by default, in help order). Exported
 * for tests.
 */
export async function program(only: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
  const { Command } = await import('commander');
  const prog = new Command('rolegate')
    .description(
      'Keep privileged identity roles behind multi-factor authentication, declared in git',
    )
    // --version only: kubectl users read -v as verbosity.
    .version(
      pkg.version,
      '--version',
      'print the version number (rolegate version: also the commit and Node.js)',
    );
  for (const c of await Promise.all(only.map((name) => COMMANDS[name]!()))) prog.addCommand(c);
  return prog
    .addHelpText(
      'after',
      `
Examples:
  rolegate validate manifests/                       # CI: schema and semantic checks with file:line:col
  rolegate plan manifests/ --detailed-exitcode       # drift before merge
  rolegate apply examples/quickstart --emulator      # one-shot reconcile against the Graph emulator
  rolegate run --dir examples/quickstart --emulator  # the controller on a directory
  rolegate alerts idp/ --detailed-exitcode           # accounts whose use of a role is not behind MFA
  rolegate report idp/ --output-file coverage.html   # MFA coverage evidence for auditors
  rolegate run --kubernetes --leader-elect           # the controller in a cluster
  rolegate completion bash                           # shell completion (bash, zsh, fish)

Output: -o, --output FORMAT chooses the format of every command's report, --output-file PATH writes it to a file.
Logs go to stderr for one-shot commands (stdout for run): text on a terminal, JSON lines otherwise
(--log-format auto|json|text); the level is --log-level, else ROLEGATE_LOG_LEVEL, else the command's default.

${EXIT_CODES_HELP.program}`,
    )
    .showHelpAfterError();
}

/** Commander's own messages (`error: unknown option …`) as `Error: …`, like every other error. */
function writeErr(str: string): void {
  process.stderr.write(str.replace(/^error: /, 'Error: '));
}

/**
 * The subcommand named on the command line, when it is one: the first argument that is not an option (the
 * program itself has no options that take a value).
 */
function requestedCommand(argv: readonly string[]): string | undefined {
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

try {
  // `rolegate --version` alone is what CI scripts and version checks call: answered without building the program
  // (which, for anything but a known subcommand, loads every command).
  if (process.argv.length === 3 && process.argv[2] === '--version') {
    process.stdout.write(`${pkg.version}\n`);
    process.exit(0);
  }
  const name = requestedCommand(process.argv);
  // Help, the version and unknown commands need the whole program; a known command needs only itself.
  const prog = await program(name === undefined ? undefined : [name]);
  // Commander must not exit by itself: a usage error is 1 (never 2, which --detailed-exitcode reserves for
  // drift), and help and --version are 0.
  for (const c of [prog, ...prog.commands]) c.exitOverride().configureOutput({ writeErr });
  await prog.parseAsync(process.argv);
} catch (err) {
  const { CommanderError } = await import('commander');
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : EXIT_ERROR);
  process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = EXIT_ERROR;
}
