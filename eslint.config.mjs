// Lint rules, including the direction of dependencies: inner libraries never import outer ones.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Libraries never import apps. */
const APPS = ['**/apps/**'];

const restrict = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group, `${group}/*`], message })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'data/**', 'coverage/**', 'test-output/**', 'apps/console/public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // The web console runs in the browser: ES modules with the browser's globals, and no Node.
  {
    files: ['apps/console/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          ...['window', 'document', 'location', 'sessionStorage', 'fetch', 'atob', 'Node', 'CustomEvent', 'AbortController', 'TextDecoder', 'TextDecoderStream', 'URL', 'URLSearchParams', 'Blob', 'Intl', 'setInterval', 'clearInterval'].map((name) => [name, 'readonly']),
          ...['require', 'module', 'process', '__dirname', 'Buffer'].map((name) => [name, 'off']),
        ],
      ),
    },
  },
  restrict(
    ['libs/domain/**/*.ts'],
    ['@nestjs', '@onestop/policy', '@onestop/event-store', '@onestop/delivery', '@onestop/audit', '@onestop/auth', '@onestop/crypto', '@onestop/application', 'better-sqlite3', 'kafkajs', '@eventstore/db-client', 'node:fs', 'fs', ...APPS],
    'libs/domain is pure: no Nest, no adapters, no I/O.',
  ),
  restrict(
    ['libs/policy/**/*.ts'],
    ['@nestjs', '@onestop/event-store', '@onestop/delivery', '@onestop/audit', '@onestop/auth', '@onestop/application', 'better-sqlite3', 'kafkajs', '@eventstore/db-client', 'node:fs', 'fs', ...APPS],
    'libs/policy is the pure sharing decision: it may use only libs/domain.',
  ),
  restrict(
    ['libs/event-store/**/*.ts', 'libs/delivery/**/*.ts', 'libs/auth/**/*.ts', 'libs/crypto/**/*.ts', 'libs/audit/**/*.ts'],
    ['@nestjs', '@onestop/application', ...APPS],
    'Adapters and libraries do not depend on Nest or on the application layer.',
  ),
  restrict(['libs/application/**/*.ts'], ['@nestjs', ...APPS], 'The application layer is framework-free; Nest lives in apps/.'),
  restrict(['examples/**/*.ts'], ['@onestop', '@nestjs', '**/libs/**', ...APPS], 'Examples are what agency integrators copy: only Node, kafkajs and jose.'),
);
