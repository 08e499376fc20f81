import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] }),
  { rules: { '@stylistic/comma-dangle': ['error', 'never'] } },
  {
    // The dashboard runs in the browser: these are its globals beyond those Node shares.
    files: ['ui/**/*.js'],
    languageOptions: { globals: Object.fromEntries(['Node', 'CSS', 'confirm', 'history', 'location', 'getComputedStyle', 'matchMedia'].map((name) => [name, 'readonly'])) }
  }
]
