import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_'));
const ELECTRON_BAN = {
  name: 'electron',
  message: 'Only src-main/hosts/electron may import electron.',
};
const ELECTRON_SUBPATH_BAN = {
  group: ['electron/*'],
  message: 'Only src-main/hosts/electron may import electron.',
};

/** The renderer's bans (Node, Electron, src-main), plus one zone of its own folders. */
function rendererBans(extra) {
  return {
    paths: NODE_BUILTINS.map((name) => ({
      name,
      message: 'The renderer talks to the ApiClient only.',
    })),
    patterns: [
      {
        group: ['node:*', 'electron', 'electron/*', '**/src-main/**', '**/src-main'],
        message: 'The renderer talks to the ApiClient only.',
      },
      ...(extra ? [extra] : []),
    ],
  };
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-output/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Type-aware checks for a very async codebase: a promise is awaited, returned or explicitly voided.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
    },
  },
  {
    // Services are plain Node modules: the Electron host is the only place that may touch electron.
    // Layers import only downward: services never reach the API or a host; the API never a host.
    files: ['src-main/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON_BAN],
          patterns: [
            ELECTRON_SUBPATH_BAN,
            {
              group: ['**/api/*', '**/api', '**/hosts/*', '**/hosts/**'],
              message: 'services/ may not import api/ or hosts/ (layers import downward only).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON_BAN],
          patterns: [
            ELECTRON_SUBPATH_BAN,
            {
              group: ['**/hosts/*', '**/hosts/**'],
              message: 'api/ may not import hosts/ (hosts are adapters over the API).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/hosts/web/**', 'src-main/hosts/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [ELECTRON_BAN], patterns: [ELECTRON_SUBPATH_BAN] },
      ],
    },
  },
  {
    // Shared code (the contract, domain constants) runs anywhere — main, preload, renderer: no Node,
    // no DOM-only code, no app layers. tsconfig.web.json type-checks it without Node's types too.
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.map((name) => ({
            name,
            message: 'The contract runs in the browser too.',
          })),
          patterns: [
            {
              group: [
                'node:*',
                'electron',
                '**/src-main/**',
                '**/src-renderer/**',
                '**/src-preload/**',
              ],
              message: 'The contract imports nothing of the app layers.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer talks to an ApiClient only: no Node built-ins, no main-process code at any depth.
    files: ['src-renderer/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/set-state-in-effect': 'off',
      'no-restricted-imports': ['error', rendererBans()],
    },
  },
  {
    // Inside the renderer: app/ (the shell) sits on features/, which sit on common/.
    files: ['src-renderer/src/features/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        rendererBans({
          group: ['**/app/*', '**/app/**'],
          message: 'A feature may not import the app shell (it gets navigation through props).',
        }),
      ],
    },
  },
  {
    files: ['src-renderer/src/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        rendererBans({
          group: ['**/app/*', '**/app/**', '**/features/*', '**/features/**'],
          message: 'common/ may not import features/ or app/ (features build on common, not back).',
        }),
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', 'scripts/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
