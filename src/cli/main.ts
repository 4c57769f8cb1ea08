#!/usr/bin/env node
// The rolegate command line.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { validateCommand } from './validate.js';
import { planCommand } from './plan.js';
import { applyCommand } from './apply.js';
import { runCommand } from './run.js';
import { emulatorCommand } from './emulator.js';
import { exportCommand } from './export.js';
import { alertsCommand } from './alerts.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Builds the program; exported for tests. */
export function program(): Command {
  return new Command('rolegate')
    .description(
      'Keep privileged identity roles behind multi-factor authentication, declared in git',
    )
    .version(pkg.version, '-v, --version')
    .addCommand(validateCommand())
    .addCommand(planCommand())
    .addCommand(applyCommand())
    .addCommand(runCommand())
    .addCommand(exportCommand())
    .addCommand(alertsCommand())
    .addCommand(emulatorCommand())
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

try {
  const prog = program();
  // Usage errors exit 2 (1 means "invalid manifests" or "errors"), so commander must not exit by itself.
  for (const c of [prog, ...prog.commands]) c.exitOverride();
  await prog.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 1 ? 2 : err.exitCode);
  process.stderr.write(`rolegate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
