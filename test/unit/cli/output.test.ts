import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { outputOption, parseFormat, renamedFormatOption } from '../../../src/cli/output.js';

const FORMATS = ['text', 'json', 'yaml'];

describe('parseFormat', () => {
  it.each([
    { reason: 'a known format', value: 'json', want: 'json' },
    {
      reason: 'a file (the old export spelling) names --output-file',
      value: 'roles.yaml',
      want: /not a file; to write to roles.yaml, use --output-file roles.yaml/,
    },
    {
      reason: 'a path names --output-file',
      value: 'out/report',
      want: /use --output-file out\/report/,
    },
    {
      reason: 'an unknown format lists the formats',
      value: 'xml',
      want: /expected one of text, json, yaml/,
    },
  ])('$reason', ({ value, want }) => {
    if (typeof want === 'string') expect(parseFormat(value, FORMATS)).toBe(want);
    else expect(() => parseFormat(value, FORMATS)).toThrow(want);
  });
});

describe('the options on a command', () => {
  const parse = async (args: string[]): Promise<Record<string, unknown>> => {
    const c = new Command('x')
      .addOption(outputOption(FORMATS, 'text'))
      .addOption(renamedFormatOption())
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    await c.parseAsync(args, { from: 'user' });
    return c.opts();
  };

  it('-o and --output set the format, text by default', async () => {
    expect(await parse([])).toMatchObject({ output: 'text' });
    expect(await parse(['-o', 'yaml'])).toMatchObject({ output: 'yaml' });
    expect(await parse(['--output', 'json'])).toMatchObject({ output: 'json' });
  });

  it('--format is refused with the new spelling', async () => {
    await expect(parse(['--format', 'json'])).rejects.toThrow(
      /--format is now -o\/--output: use -o json/,
    );
    await expect(parse(['--format', 'json'])).rejects.toBeInstanceOf(CommanderError);
  });
});
