#!/usr/bin/env node
// The rolegate command line.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';

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
  emulator: async () => (await import('./emulator.js')).emulatorCommand(),
};

/**
 * Builds the program with the subcommands named in `only` (all of them by default, in help order). Exported
 * for tests.
 */
export async function program(only: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
  const prog = new Command('rolegate')
    .description(
      'Keep privileged identity roles behind multi-factor authentication, declared in git',
    )
    .version(pkg.version, '-v, --version');
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
  rolegate run --kubernetes --leader-elect           # the controller in a cluster`,
    )
    .showHelpAfterError();
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
  const name = requestedCommand(process.argv);
  // Help, the version and unknown commands need the whole program; a known command needs only itself.
  const prog = await program(name === undefined ? undefined : [name]);
  // Usage errors exit 2 (1 means "invalid manifests" or "errors"), so commander must not exit by itself.
  for (const c of [prog, ...prog.commands]) c.exitOverride();
  await prog.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 1 ? 2 : err.exitCode);
  process.stderr.write(`rolegate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
