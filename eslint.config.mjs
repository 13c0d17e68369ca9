// Lint enforces the layers of DESIGN.md: the engine, the server and the contract never
// import Electron; the renderer never imports Node built-ins.
import tseslint from 'typescript-eslint';

const noElectron = {
  paths: [{ name: 'electron', message: 'electron/core, electron/serve, electron/cli and shared run in plain Node: no Electron here.' }],
};
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto', 'stream', 'url', 'util'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    rules: {
      'no-debugger': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/serve/**/*.ts', 'electron/cli/**/*.ts', 'shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { ...noElectron, patterns: [{ group: nodeBuiltins, message: 'shared/ is loaded by the renderer too: no Node built-ins.' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.mts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the engine through window.fleet or the WebSocket only.' }],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer runs in a sandboxed page: no Node built-ins.' },
            { group: ['**/electron/**'], message: 'The renderer imports only shared/ and its own files.' },
          ],
        },
      ],
    },
  },
);
