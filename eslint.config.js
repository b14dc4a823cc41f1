// Lint rules: typescript-eslint's type-aware recommended set plus the house rules of DESIGN.md.
import fs from 'node:fs';
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Dependencies point one way: app.ts/main.ts → features → platform. The platform imports no
// feature; a feature uses another only through its public service.ts or index.ts, never its
// repository, routes, views or tables.
const features = fs
  .readdirSync('src', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !['platform', 'migrations'].includes(entry.name))
  .map((entry) => entry.name);
const boundaries = [
  {
    target: './src/platform',
    from: './src',
    except: ['./platform'],
    message: 'The platform imports no feature.',
  },
  ...features.map((feature) => ({
    target: `./src/${feature}`,
    from: features.filter((other) => other !== feature).map((other) => `./src/${other}`),
    except: ['./service.ts', './index.ts'],
    message: 'Use the other feature through its service.ts or index.ts.',
  })),
  {
    target: ['./src/platform', ...features.map((feature) => `./src/${feature}`)],
    from: ['./src/app.ts', './src/main.ts', './src/jobs.ts'],
    message: 'Only the command line imports the composition root.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'public/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // A leading underscore says "deliberately unused" (a parameter kept for a call shape,
      // a property left out of a rest object).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        {
          selector:
            "NewExpression[callee.object.name='Intl'][callee.property.name='DateTimeFormat']",
          message:
            'Format dates with platform/ui/format.ts (Gregorian calendar in every language).',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: boundaries }] },
  },
  {
    files: ['src/platform/ui/format.ts', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
