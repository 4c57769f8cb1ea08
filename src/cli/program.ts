// The rolegate program around its subcommands: name, version, help, and how a command line is run (exit codes
// and error messages). Shared by the command line's entry (main.ts, which loads each command when asked for)
// and the compiled script of `rolegate validate` (validate-script.ts), so that both behave the same.
import { Command, CommanderError } from 'commander';
import { EXIT_CODES_HELP, EXIT_ERROR } from './exit-codes.js';
import { packageVersion } from './package-version.js';

/** The program with `commands` as its subcommands, in that order. */
export function buildProgram(commands: readonly Command[]): Command {
  const prog = new Command('rolegate')
    .description(
      'Keep privileged identity roles behind multi-factor authentication, declared in git',
    )
    // --version only: kubectl users read -v as verbosity.
    .version(
      packageVersion(),
      '--version',
      'print the version number (rolegate version: also the commit and Node.js)',
    );
  for (const c of commands) prog.addCommand(c);
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
 * Runs a command line (`argv` as in process.argv) with the program `build` returns. Commander never exits by
 * itself: a usage error is 1 (never 2, which --detailed-exitcode reserves for drift), help and --version are
 * 0, and any other error is printed as `Error: …` with exit code 1.
 */
export async function runProgram(
  build: () => Promise<Command> | Command,
  argv: readonly string[],
): Promise<void> {
  try {
    const prog = await build();
    for (const c of [prog, ...prog.commands]) c.exitOverride().configureOutput({ writeErr });
    await prog.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : EXIT_ERROR);
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT_ERROR;
  }
}
