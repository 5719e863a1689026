import { describe, expect, it, vi } from "vitest";

// BPE is quadratic in the length of one pre-token: a 100k-character word took seconds and
// stalled the process. The tokenizer must never be handed more than a piece at a time.
const lengths: number[] = [];
vi.mock("gpt-tokenizer/encoding/o200k_base", async (importOriginal) => {
  const real = await importOriginal<typeof import("gpt-tokenizer/encoding/o200k_base")>();
  return {
    ...real,
    countTokens: (text: string, opts?: Parameters<typeof real.countTokens>[1]) => (
      lengths.push(text.length),
      real.countTokens(text, opts)
    ),
  };
});

describe("hostile texts", () => {
  it("a 100k-character word, run of spaces or of CJK reaches the tokenizer only in pieces of at most PIECE_CHARS", async () => {
    const { countTextTokens, PIECE_CHARS } = await import("./tokens.ts");
    for (const text of ["a".repeat(100_000), " ".repeat(100_000), "\u{2A6D6}".repeat(50_000)]) {
      lengths.length = 0;
      expect(countTextTokens(text, { exact: true })).toBeGreaterThan(0);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(PIECE_CHARS);
      expect(lengths.reduce((a, b) => a + b, 0)).toBe(text.length);
    }
  });
});
