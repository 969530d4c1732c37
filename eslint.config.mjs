import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import tseslint from 'typescript-eslint';

/** Architecture boundaries from CONVENTIONS.md, enforced rather than hoped for. */
const serverOnlyModules = [
  '@/lib/db',
  '@/lib/db/*',
  '@/lib/*/service',
  '@/lib/*/queries',
  '@/lib/auth/guards',
  '@/lib/auth/session-store',
  '@/lib/auth/options',
  '@/lib/generated/*',
  // The generated enums are plain constants and types, safe in the browser: the one source of value lists.
  '!@/lib/generated/prisma/enums',
];

export default tseslint.config(
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'lib/generated/**',
      '.data/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
    ],
  },
  ...nextVitals,
  ...nextTs,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through lib/env.ts.' },
      ],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      // The rule is for the pages router. Here plain <a> links are deliberate: a full page load costs no
      // JavaScript, while next/link adds about 3.5 kB to every route that shows one (the officer's form has
      // a 150 kB budget) and prefetches routes over the officers' often poor mobile connections.
      '@next/next/no-html-link-for-pages': 'off',
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'next/link', message: 'Use a plain <a>: see the comment in eslint.config.mjs.' }] },
      ],
    },
  },
  // Every export of a 'use server' module can be called from the internet: such modules are the feature's
  // actions.ts files, which the authorisation matrix inventories, and nothing else. No inline 'use server'.
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/actions.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ExpressionStatement[directive='use server']",
          message:
            "'use server' belongs only at the top of an actions.ts file (tests/integration/authorization-matrix.test.ts).",
        },
      ],
    },
  },
  {
    files: ['**/actions.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "BlockStatement > ExpressionStatement[directive='use server']",
          message: "'use server' belongs only at the top of the file, not inside a function.",
        },
      ],
    },
  },
  // Only the configuration module (and tool configs) read the environment.
  { files: ['lib/env.ts', '*.config.ts', '*.config.mjs', 'tests/**'], rules: { 'no-restricted-properties': 'off' } },
  // Components and client-safe schemas never reach the database, services or the generated Node client.
  {
    files: ['components/**', 'lib/**/schema.ts', 'lib/**/dto.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'next/link', message: 'Use a plain <a>: see the comment in eslint.config.mjs.' }],
          patterns: [{ group: serverOnlyModules, message: 'Client-safe code must not import server-only modules.' }],
        },
      ],
    },
  },
  { files: ['lib/cli/**', 'tests/**', 'prisma/**'], rules: { 'no-console': 'off' } },
);
