/**
 * Lint (language.md §8, LCP3104): `rm -r`/`rm -rf` on an unquoted interpolation. An unquoted
 * value is split on spaces and glob-expanded by the shell, so `rm -rf ${work}/tmp` with a
 * surprising value deletes more than meant. Quote it: `rm -rf "${work}/tmp"`.
 */
import type { Span } from '../../diagnostics/span.js';
import type { StringLiteral } from '../../syntax/ast.js';
import type { Rule } from './rule.js';
import { forEachString } from './strings.js';

const MARK = '\u0000';

interface Word {
  text: string;
  /** Spans of interpolations that appear unquoted in this word. */
  unquoted: Span[];
}

export const riskyShell: Rule = {
  name: 'risky-shell',
  run(ctx, input) {
    forEachString(input.declarations, (literal, { context }) => {
      if (context !== 'shell') return;
      for (const command of shellCommands(literal)) {
        for (let i = 0; i < command.length; i++) {
          if (command[i]!.text !== 'rm') continue;
          let recursive = false;
          const operands: Word[] = [];
          for (const word of command.slice(i + 1)) {
            if (/^-[A-Za-z]+$/.test(word.text)) recursive ||= /[rR]/.test(word.text);
            else if (word.text === '--recursive') recursive = true;
            else if (!word.text.startsWith('-')) operands.push(word);
          }
          if (!recursive) continue;
          for (const operand of operands) {
            for (const span of operand.unquoted) {
              ctx.report('LCP3104', span, '`rm -r` on an unquoted interpolation', {
                label: 'unquoted: split and glob-expanded by the shell',
                help: `quote the whole argument: \`"${operand.text.split(MARK).join('${…}')}"\``,
              });
            }
          }
        }
      }
    });
  },
};

/** Splits a shell command into simple commands of words, tracking quoting of interpolations. */
function shellCommands(literal: StringLiteral): Word[][] {
  const commands: Word[][] = [];
  let words: Word[] = [];
  let word: Word | undefined;
  let quote: '"' | "'" | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (const part of literal.parts) {
    if (part.kind === 'Interpolation') {
      word ??= { text: '', unquoted: [] };
      word.text += MARK;
      if (quote === undefined) word.unquoted.push(part.span);
      continue;
    }
    for (const ch of part.value) {
      if (quote !== undefined) {
        if (ch === quote) quote = undefined;
        else word!.text += ch;
        continue;
      }
      if (ch === '"' || ch === "'") {
        quote = ch;
        word ??= { text: '', unquoted: [] };
      } else if (ch === ' ' || ch === '\t') endWord();
      else if (ch === ';' || ch === '&' || ch === '|' || ch === '\n' || ch === '(' || ch === ')') endCommand();
      else {
        word ??= { text: '', unquoted: [] };
        word.text += ch;
      }
    }
  }
  endCommand();
  return commands;
}
