// The entry of `rolegate validate` as one compiled script (see code-cache.ts): the program with the validate
// command only, as main.ts builds it for `rolegate validate`. scripts/bundle-cli.mjs bundles this file with
// everything it imports into dist/cli/validate.script.js; main.ts runs it for `rolegate validate`.
import { buildProgram, runProgram } from './program.js';
import { validateCommand } from './validate.js';

/** Runs a `rolegate validate …` command line (`argv` as in process.argv). */
export function main(argv: readonly string[]): Promise<void> {
  return runProgram(() => buildProgram([validateCommand()]), argv);
}
