/**
 * `libcc completion bash|zsh|fish`: a shell completion script, generated from the commander
 * program itself (commands, options, their choices), so it never drifts from the CLI.
 *
 *   source <(libcc completion bash)                                   # ~/.bashrc
 *   libcc completion zsh > "${fpath[1]}/_libcc"                       # or: source <(libcc completion zsh)
 *   libcc completion fish > ~/.config/fish/completions/libcc.fish
 *
 * Completes command names, option names, option values that have choices (`--diagnostic-format`,
 * `--format`, `--rankdir`…), diagnostic codes for `explain`, and otherwise `.lcp` files and
 * directories (any file for `-o`/`--templates`-like options that take a path).
 */
import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface OptionModel {
  readonly long?: string;
  readonly short?: string;
  readonly description: string;
  readonly takesValue: boolean;
  /** The value is a path (`<dir>`, `<file>`, `<path>`): completed with file names. */
  readonly path: boolean;
  readonly choices?: readonly string[];
  readonly hidden: boolean;
}

interface CommandModel {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionModel[];
  /** Words completed for the command's arguments instead of files (`explain`: the codes). */
  readonly words?: readonly string[];
}

/** The completion model of a program; `words` completes the arguments of the named commands. */
export function completionModel(program: Command, words: Readonly<Record<string, readonly string[]>> = {}): CommandModel[] {
  const optionModel = (option: Option): OptionModel => ({
    ...(option.long === undefined ? {} : { long: option.long }),
    ...(option.short === undefined ? {} : { short: option.short }),
    description: option.description,
    takesValue: option.required || option.optional,
    path: /<(dir|file|path)>/.test(option.flags),
    ...(option.argChoices === undefined ? {} : { choices: option.argChoices }),
    hidden: option.hidden,
  });
  return program.commands.map((command) => ({
    name: command.name(),
    description: command.description(),
    options: [...command.options.map(optionModel), { long: '--help', short: '-h', description: 'show help', takesValue: false, path: false, hidden: false }],
    ...(words[command.name()] === undefined ? {} : { words: words[command.name()]! }),
  }));
}

export function completionScript(shell: Shell, commands: readonly CommandModel[]): string {
  if (shell === 'bash') return bashScript(commands);
  if (shell === 'zsh') return zshScript(commands);
  return fishScript(commands);
}

/** One line, no markup: for descriptions in zsh and fish. */
function plain(text: string): string {
  return text.replace(/`/g, '').replace(/\s+/g, ' ').trim();
}

const flagsOf = (option: OptionModel): string[] => [option.short, option.long].filter((flag): flag is string => flag !== undefined);

function bashScript(commands: readonly CommandModel[]): string {
  const lines: string[] = [];
  lines.push(
    '# bash completion for libcc. Load it with: source <(libcc completion bash)',
    '_libcc() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" command="${COMP_WORDS[1]}"',
    '  COMPREPLY=()',
    '  if [[ $COMP_CWORD -eq 1 ]]; then',
    `    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} --help --version" -- "$cur"))`,
    '    return',
    '  fi',
    '  case "$command" in',
  );
  for (const command of commands) {
    lines.push(`    ${command.name})`);
    const valued = command.options.filter((o) => o.takesValue);
    if (valued.length > 0) {
      lines.push('      case "$prev" in');
      for (const option of valued) {
        const action = option.choices
          ? `COMPREPLY=($(compgen -W "${option.choices.join(' ')}" -- "$cur"))`
          : option.path
            ? 'COMPREPLY=($(compgen -f -- "$cur"))'
            : ':';
        lines.push(`        ${flagsOf(option).join('|')}) ${action}; return ;;`);
      }
      lines.push('      esac');
    }
    const visible = command.options.filter((o) => !o.hidden).flatMap(flagsOf);
    lines.push(
      '      if [[ $cur == -* ]]; then',
      `        COMPREPLY=($(compgen -W "${visible.join(' ')}" -- "$cur"))`,
      '        return',
      '      fi',
    );
    if (command.words !== undefined) {
      lines.push(`      COMPREPLY=($(compgen -W "${command.words.join(' ')}" -- "$cur"))`, '      return', '      ;;');
    } else {
      lines.push('      ;;');
    }
  }
  lines.push(
    '  esac',
    '  # .lcp files and directories',
    '  local IFS=$\'\\n\'',
    '  COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X \'!*.lcp\' -- "$cur"))',
    '}',
    'complete -o filenames -F _libcc libcc',
    '',
  );
  return lines.join('\n');
}

/** Inside single quotes, in an `_arguments` spec: no `'`, and `[`, `]`, `:` escaped. */
function zshText(text: string): string {
  return plain(text).replace(/'/g, '').replace(/([[\]:\\])/g, '\\$1');
}

function zshScript(commands: readonly CommandModel[]): string {
  const lines: string[] = [
    '#compdef libcc',
    '# zsh completion for libcc. Put it on $fpath as _libcc (libcc completion zsh > ~/.zfunc/_libcc),',
    '# or load it with: source <(libcc completion zsh)',
    '_libcc() {',
    '  local -a commands',
    '  commands=(',
    ...commands.map((c) => `    '${c.name}:${zshText(c.description)}'`),
    '  )',
    '  if (( CURRENT == 2 )); then',
    "    _describe 'command' commands",
    '    return',
    '  fi',
    '  local command=$words[2]',
    '  shift words',
    '  (( CURRENT-- ))',
    '  case $command in',
  ];
  for (const command of commands) {
    const specs = command.options
      .filter((o) => !o.hidden)
      .map((option) => {
        const description = zshText(option.description);
        const value = !option.takesValue ? '' : option.choices ? `:value:(${option.choices.join(' ')})` : option.path ? ':path:_files' : ':value: ';
        const flags = flagsOf(option);
        if (flags.length === 1) return `'${flags[0]}[${description}]${value}'`;
        return `'(${flags.join(' ')})'{${flags.join(',')}}'[${description}]${value}'`;
      });
    const rest = command.words ? `'*:code:(${command.words.join(' ')})'` : `'*:file:_files -g "*.lcp(-.)"'`;
    lines.push(`    ${command.name}) _arguments -s ${[...specs, rest].join(' ')} ;;`);
  }
  lines.push('  esac', '}', 'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _libcc "$@"; else compdef _libcc libcc; fi', '');
  return lines.join('\n');
}

/** Inside single quotes in fish: `\` and `'` escaped. */
function fishText(text: string): string {
  return plain(text).replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

function fishScript(commands: readonly CommandModel[]): string {
  const lines: string[] = [
    '# fish completion for libcc. Install it with: libcc completion fish > ~/.config/fish/completions/libcc.fish',
    'complete -c libcc -f',
    "complete -c libcc -n '__fish_use_subcommand' -s h -l help -d 'show help'",
    "complete -c libcc -n '__fish_use_subcommand' -s V -l version -d 'print the version'",
    ...commands.map((c) => `complete -c libcc -n '__fish_use_subcommand' -a ${c.name} -d '${fishText(c.description)}'`),
  ];
  for (const command of commands) {
    const when = `-n '__fish_seen_subcommand_from ${command.name}'`;
    for (const option of command.options.filter((o) => !o.hidden)) {
      const flags = [option.short ? `-s ${option.short.slice(1)}` : '', option.long ? `-l ${option.long.slice(2)}` : ''].filter(Boolean).join(' ');
      const value = !option.takesValue ? '' : option.choices ? ` -x -a '${option.choices.join(' ')}'` : option.path ? ' -r -F' : ' -x';
      lines.push(`complete -c libcc ${when} ${flags}${value} -d '${fishText(option.description)}'`);
    }
    if (command.words) lines.push(`complete -c libcc ${when} -x -a '${command.words.join(' ')}'`);
    else lines.push(`complete -c libcc ${when} -a '(__fish_complete_suffix .lcp)'`);
  }
  lines.push('');
  return lines.join('\n');
}
