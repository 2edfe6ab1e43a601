// Lint rules, including the layer boundaries of DEVELOPERS.md: core main/ never imports electron,
// the renderer never imports main/, the sandbox imports neither, and raw IPC lives in two files.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const electronOnly = { name: 'electron', message: 'Only main/electron.ts, main/platform/electron/ and preload/index.ts may import electron.' };
const pattern = (group, message) => ({ group, message });

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', '.tmp/'] },
  ...tseslint.configs.recommended,
  {
    // Type-aware rules: a promise nobody awaits or that a callback drops is how a store gets closed under a running sync.
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='ipcRenderer'][property.name='sendSync']", message: 'Never block the renderer.' },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron.ts', 'main/platform/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly], patterns: [pattern(['**/renderer/**'], 'main/ must not import the renderer.')] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly, { name: 'axios', message: 'The renderer has no network access: ask main through window.returnDesk.' }],
          patterns: [
            pattern(['**/main/**', '**/sandbox/**'], 'The renderer talks to main only through window.returnDesk (preload/contract.ts for types).'),
            pattern(['node:*'], 'The renderer has no Node.'),
          ],
        },
      ],
    },
  },
  {
    files: ['sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [pattern(['**/main/**', '**/renderer/**', '**/preload/**'], 'The sandbox is the other side of the wire: it imports nothing of the app.')],
        },
      ],
    },
  },
  {
    files: ['locales/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            pattern(
              ['**/main/**', '**/renderer/**', '**/preload/**', '**/sandbox/**', 'node:*'],
              'The catalogues serve main and the renderer alike: they import only i18next.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['preload/contract.ts', 'preload/api.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronOnly], patterns: [pattern(['**/main/**', '**/renderer/**', '**/sandbox/**', 'node:*'], 'The contract imports only zod.')] },
      ],
    },
  },
);
