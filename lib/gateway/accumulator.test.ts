import { describe, expect, it } from "vitest";
import { isFirstToken } from "./accumulator.ts";
import type { UpstreamEvent } from "../providers/types.ts";

const chunk = (delta: Record<string, unknown>, finish: string | null = null): UpstreamEvent => ({ type: "chunk", choices: [{ index: 0, delta, finish_reason: finish }] }) as UpstreamEvent;

describe("isFirstToken", () => {
  it("commits on content, tool calls, a finish and streamed reasoning; not on a role header or usage", () => {
    expect(isFirstToken(chunk({ role: "assistant" }))).toBe(false);
    expect(isFirstToken(chunk({ content: "" }))).toBe(false);
    expect(isFirstToken({ type: "usage", usage: { prompt_tokens: 10, completion_tokens: 0 } } as UpstreamEvent)).toBe(false);
    expect(isFirstToken(chunk({ content: "Hi" }))).toBe(true);
    expect(isFirstToken(chunk({}, "stop"))).toBe(true);
    // A reasoning model thinking for longer than the first-token timeout is alive, not stalled.
    expect(isFirstToken(chunk({ reasoning_content: "Let me think" }))).toBe(true);
  });
});
