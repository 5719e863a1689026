// ESLint (flat config): typescript-eslint's recommended rules for all code, the React hooks rules
// for the UI. `npm test` runs it with --max-warnings 0 (scripts/test-all.ts).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "lib/generated/**",
      ".next/**",
      "node_modules/**",
      ".data/**",
      ".tmp/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ["app/**/*.tsx", "components/**/*.{ts,tsx}"], ...reactHooks.configs.flat.recommended },
  {
    rules: {
      // `_name` marks a value left unused on purpose (a destructured field dropped, a required parameter).
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          caughtErrors: "none",
        },
      ],
    },
  },
  {
    // Tests, doubles and benchmarks read JSON bodies of whatever shape the code under test sent
    // (that code is typed); Playwright fixtures are destructured even when none is used.
    files: ["tests/**", "e2e/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "no-empty-pattern": "off" },
  },
  {
    // CommonJS preloads for Node (scripts/*.cjs, bench/*.cjs).
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        fetch: "readonly",
        Response: "readonly",
        Headers: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
