// `rolegate completion bash|zsh|fish`: a completion script generated from the program itself (its commands,
// their options and the values of choice options such as -o), so it cannot drift from the code.
import { Command, type Option } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { LOG_FORMATS, LOG_LEVELS } from '../log.js';

/** The shells a completion script is generated for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
/** A shell. */
export type Shell = (typeof SHELLS)[number];

/** One option of a command, as completion needs it. */
interface OptionSpec {
  short?: string;
  long?: string;
  description: string;
  /** Whether the option takes a value. */
  takesValue: boolean;
  /** The values it accepts, when they are a fixed list. */
  values: string[];
}

/** One command, as completion needs it. */
interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** Whether the command takes paths (complete file names after its options). */
  paths: boolean;
}

/** Values of options whose parser checks a fixed list (rolegate's -o/--output and --log-format). */
const KNOWN_VALUES: Readonly<Record<string, readonly string[]>> = {
  '--log-level': LOG_LEVELS,
  '--log-format': LOG_FORMATS,
};

function optionSpec(o: Option): OptionSpec {
  const values =
    o.argChoices ??
    (o.long && KNOWN_VALUES[o.long]) ??
    (o.long === '--output' ? /: (.+)$/.exec(o.description)?.[1]?.split(', ') : undefined) ??
    [];
  return {
    ...(o.short ? { short: o.short } : {}),
    ...(o.long ? { long: o.long } : {}),
    description: o.description,
    takesValue: o.required || o.optional,
    values: [...values],
  };
}

/** The commands of a program with their visible options. */
export function commandSpecs(program: Command): CommandSpec[] {
  return program.commands
    .filter((c) => c.name() !== 'help')
    .map((c) => ({
      name: c.name(),
      description: c.description(),
      options: c.options.filter((o) => !o.hidden).map(optionSpec),
      paths: c.registeredArguments.length > 0,
    }));
}

/** Text safe inside a single-quoted shell word, on one line. */
const quote = (s: string): string => s.replace(/\s+/g, ' ').replace(/'/g, "'\\''");
/** zsh _arguments descriptions: no brackets or colons. */
const zshText = (s: string): string =>
  quote(
    s
      .replace(/[[\]:]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );

function bash(specs: CommandSpec[]): string {
  const cases = specs.map((c) => {
    const flags = c.options.flatMap((o) => [o.short, o.long].filter(Boolean)).concat('--help');
    const valueCases = c.options
      .filter((o) => o.values.length > 0)
      .map((o) => {
        const names = [o.short, o.long].filter(Boolean).join('|');
        return `        ${names}) COMPREPLY=( $(compgen -W '${o.values.join(' ')}' -- "$cur") ); return ;;`;
      });
    const takes = c.options
      .filter((o) => o.takesValue && o.values.length === 0)
      .flatMap((o) => [o.short, o.long].filter(Boolean));
    return [
      `    ${c.name})`,
      `      case "$prev" in`,
      ...valueCases,
      ...(takes.length
        ? [`        ${takes.join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;`]
        : []),
      `      esac`,
      `      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W '${flags.join(' ')}' -- "$cur") ); return; fi`,
      c.name === 'completion'
        ? `      COMPREPLY=( $(compgen -W 'bash zsh fish' -- "$cur") ); return ;;`
        : c.paths
          ? `      COMPREPLY=( $(compgen -f -- "$cur") ); return ;;`
          : `      return ;;`,
    ].join('\n');
  });
  return `# bash completion for rolegate. Load it with:
#   source <(rolegate completion bash)
# or install it: rolegate completion bash > /etc/bash_completion.d/rolegate
_rolegate() {
  local cur prev cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=( $(compgen -W '${specs.map((c) => c.name).join(' ')} --help --version' -- "$cur") )
    return
  fi
  case "$cmd" in
${cases.join('\n')}
  esac
}
complete -o filenames -o bashdefault -F _rolegate rolegate
`;
}

function zsh(specs: CommandSpec[]): string {
  const commands = specs.map((c) => `    '${c.name}:${zshText(c.description)}'`).join('\n');
  const cases = specs.map((c) => {
    const specsOf = c.options.map((o) => {
      const names = [o.short, o.long].filter((n): n is string => Boolean(n));
      const exclusive =
        names.length > 1 ? `'(${names.join(' ')})'{${names.join(',')}}` : `'${names[0]}`;
      const value = o.takesValue
        ? `:value:${o.values.length ? `(${o.values.join(' ')})` : '_files'}`
        : '';
      const body = `[${zshText(o.description)}]${value}'`;
      return names.length > 1 ? `${exclusive}'${body}` : `${exclusive}${body}`;
    });
    const rest =
      c.name === 'completion' ? `':shell:(bash zsh fish)'` : c.paths ? `'*:path:_files'` : '';
    return `    ${c.name})\n      _arguments -s ${[...specsOf, rest].filter(Boolean).join(' \\\n        ')}\n      ;;`;
  });
  return `#compdef rolegate
# zsh completion for rolegate. Load it with:
#   source <(rolegate completion zsh)
# or install it: rolegate completion zsh > "\${fpath[1]}/_rolegate"
_rolegate() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'rolegate command' commands
    return
  fi
  local cmd=\${words[2]}
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases.join('\n')}
  esac
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _rolegate "$@"
else
  compdef _rolegate rolegate
fi
`;
}

function fish(specs: CommandSpec[]): string {
  const lines = [
    '# fish completion for rolegate. Load it with:',
    '#   rolegate completion fish | source',
    '# or install it: rolegate completion fish > ~/.config/fish/completions/rolegate.fish',
    "complete -c rolegate -f -n __fish_use_subcommand -l help -d 'Show help'",
    "complete -c rolegate -f -n __fish_use_subcommand -l version -d 'Print the version'",
  ];
  for (const c of specs) {
    lines.push(
      `complete -c rolegate -f -n __fish_use_subcommand -a ${c.name} -d '${quote(c.description)}'`,
    );
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    for (const o of c.options) {
      const names = [o.short ? `-s ${o.short.slice(1)}` : '', o.long ? `-l ${o.long.slice(2)}` : '']
        .filter(Boolean)
        .join(' ');
      const value = o.values.length ? ` -x -a '${o.values.join(' ')}'` : o.takesValue ? ' -r' : '';
      lines.push(`complete -c rolegate ${when} ${names}${value} -d '${quote(o.description)}'`);
    }
    if (c.name === 'completion') lines.push(`complete -c rolegate ${when} -f -a 'bash zsh fish'`);
  }
  return lines.join('\n') + '\n';
}

/** The completion script of `program` for one shell. */
export function completionScript(program: Command, shell: Shell): string {
  const specs = commandSpecs(program);
  return shell === 'bash' ? bash(specs) : shell === 'zsh' ? zsh(specs) : fish(specs);
}

/** The `completion` command; `program` builds the whole program (every command) on demand. */
export function completionCommand(program: () => Promise<Command>): Command {
  return new Command('completion')
    .description('Print a shell completion script for bash, zsh or fish')
    .argument('<shell>', `one of ${SHELLS.join(', ')}`)
    .addHelpText(
      'after',
      `
${EXIT_CODES_HELP.other}

Examples:
  source <(rolegate completion bash)                                   # this shell
  rolegate completion bash > /etc/bash_completion.d/rolegate           # every bash
  rolegate completion zsh > "\${fpath[1]}/_rolegate"                    # zsh (compinit)
  rolegate completion fish > ~/.config/fish/completions/rolegate.fish  # fish`,
    )
    .action(async (shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new Error(`completion: unknown shell ${shell} (one of ${SHELLS.join(', ')})`);
      }
      process.stdout.write(completionScript(await program(), shell as Shell));
    });
}
