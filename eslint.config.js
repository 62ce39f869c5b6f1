import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Lint for mistakes, not style (formatting is kept by review): the recommended rules of ESLint and
// typescript-eslint, over the worker, the stand-ins, the tests, the benchmarks and the scripts.
export default tseslint.config(
  { ignores: ['node_modules/', '.wrangler/', 'test-results/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names are caught by tsc (noUnusedLocals/Parameters); `_`-prefixed ones are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read loosely-typed JSON responses; `any` there is a reading aid, not a hole in the product's types.
    files: ['test/**', 'standins/*/testing.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)
