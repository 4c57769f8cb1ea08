// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const io = [
  'node:fs',
  'node:fs/promises',
  'node:http',
  'node:https',
  'node:net',
  'node:child_process',
  '@kubernetes/client-node',
  'chokidar',
  'pino',
  '@azure/identity',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'reports/', 'helm/', '**/*.lua'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Pure layers: no I/O, no clock, no other layers (principle 1 in DEVELOPERS.md).
    files: ['src/api/**/*.ts', 'src/reconcile/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: io,
          patterns: [
            '**/controller/**',
            '**/sources/**',
            '**/providers/**',
            '**/status/**',
            '**/cli/**',
            '**/emulator/**',
          ],
        },
      ],
    },
  },
  {
    files: ['src/providers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/sources/**', '**/controller/**', '**/cli/**'] },
      ],
    },
  },
  {
    files: ['src/sources/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/providers/**', '**/controller/**', '**/cli/**'] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'URL',
          'URLSearchParams',
          'fetch',
          'performance',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'Buffer',
          'AbortController',
          'AbortSignal',
          'structuredClone',
          'TextDecoder',
          'TextEncoder',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
);
