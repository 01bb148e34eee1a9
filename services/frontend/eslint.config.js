// ESLint flat config: typescript-eslint's recommended type-aware rules, the rules of hooks, and
// bulletproof-react's import-direction rules (docs/project-structure.md there) for our folders:
// shared code (components, hooks, lib, config, types) -> features -> app, one way only.
import { readdirSync } from 'node:fs';

import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const FEATURES = readdirSync(new URL('./src/features', import.meta.url));
const SHARED = ['components', 'hooks', 'lib', 'config', 'types'].map((dir) => `./src/${dir}`);

export default defineConfig(
  { ignores: ['dist', 'node_modules', 'src/api/schema.d.ts'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // A feature never imports another feature: what two features share moves to shared code.
            ...FEATURES.map((feature) => ({
              target: `./src/features/${feature}`,
              from: './src/features',
              except: [`./${feature}`],
              message: 'features may not import each other; move shared code to lib/components/hooks',
            })),
            // The app composes features; features never reach back into the app.
            { target: './src/features', from: './src/app', message: 'features may not import app' },
            // Shared code is shared because it knows neither features nor the app.
            {
              target: SHARED,
              from: ['./src/features', './src/app'],
              message: 'shared code (components, hooks, lib, config, types) may not import features or app',
            },
            // Test helpers are for tests: production code never imports them.
            {
              target: ['./src/app', './src/features', ...SHARED],
              from: './src/testing',
              message: 'only tests import src/testing',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests may use the test helpers wherever they live.
    files: ['**/*.test.{ts,tsx}', 'src/testing/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: FEATURES.map((feature) => ({
            target: `./src/features/${feature}`,
            from: './src/features',
            except: [`./${feature}`],
          })),
        },
      ],
    },
  },
  {
    files: ['vite.config.ts', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node } },
  },
);
