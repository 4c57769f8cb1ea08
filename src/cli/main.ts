#!/usr/bin/env node
// The rolegate command line. Exit codes follow Terraform's contract (exit-codes.ts): 0 success, 1 error, 2 only
// with --detailed-exitcode; errors go to stderr as `Error: …`.
import type { Command } from 'commander';
import type * as ValidateScript from './validate-script.js';
import { loadScript, validateScriptFiles } from './code-cache.js';
import { packageVersion } from './package-version.js';

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
  const { buildProgram } = await import('./program.js');
  return buildProgram(await Promise.all(only.map((name) => COMMANDS[name]!())));
}

/**
 * The subcommand named on the command line, when it is one: the first argument that is not an option (the
 * program itself has no options that take a value).
 */
function requestedCommand(argv: readonly string[]): string | undefined {
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

/**
 * Runs `rolegate validate` from its compiled script with V8's code cache (code-cache.ts), the way CI runs it on
 * every push; false when this build has no such script (then the command is loaded as a module).
 */
async function runValidateScript(argv: readonly string[]): Promise<boolean> {
  const loaded = loadScript<typeof ValidateScript>(
    validateScriptFiles(new URL('.', import.meta.url)),
  );
  if (loaded === undefined) return false;
  await loaded.exports.main(argv);
  return true;
}

// `rolegate --version` alone is what CI scripts and version checks call: answered without building the program
// (which, for anything but a known subcommand, loads every command).
if (process.argv.length === 3 && process.argv[2] === '--version') {
  process.stdout.write(`${packageVersion()}\n`);
  process.exit(0);
}
const name = requestedCommand(process.argv);
if (name !== 'validate' || !(await runValidateScript(process.argv))) {
  const { runProgram } = await import('./program.js');
  // Help, the version and unknown commands need the whole program; a known command needs only itself.
  await runProgram(() => program(name === undefined ? undefined : [name]), process.argv);
}
