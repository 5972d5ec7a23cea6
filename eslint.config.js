// Lint: typescript-eslint's strict preset, plus the type-aware rules that catch promises nobody awaits, promises
// passed where a plain callback is expected, and switches that miss a case. `npm run lint`; CI runs it before
// the tests.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '.kubo/**', 'docs/**', 'packages/core/src/wire/message.ts']
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strict],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      // node:test's describe/it return promises that the runner itself awaits
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }]
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // `_` marks what is deliberately unused: a drained iteration, a field left out of a rest copy
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `new (...args: any[]) => T` is how TypeScript spells "any constructor"
      '@typescript-eslint/no-explicit-any': ['error', { ignoreRestArgs: true }],
      // an options interface that extends another and adds nothing yet is a named extension point
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }]
    }
  },
  {
    // Tests feed deliberately malformed input and read fields they have just asserted are there.
    files: ['**/test/**/*.ts', 'test/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off'
    }
  },
  {
    // What runs in a browser: no Node built-ins, no Node globals.
    files: ['packages/core/src/**/*.ts', 'packages/strategies/src/**/*.ts', 'packages/stores/src/memory-blockstore.ts', 'packages/compliance/src/**/*.ts'],
    // the one Node-only file: the package's `#sha256-hex` import picks it under the `node` condition only
    ignores: ['packages/core/src/wire/sha256-hex-node.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^node:', message: 'this package runs in browsers: no Node built-ins' }] }],
      'no-restricted-globals': ['error',
        { name: 'Buffer', message: 'this package runs in browsers: use Uint8Array and uint8arrays' },
        { name: 'process', message: 'this package runs in browsers: no process' }]
    }
  }
)
