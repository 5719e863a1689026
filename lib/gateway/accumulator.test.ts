import { describe, expect, it } from "vitest";
import { CompletionAccumulator, isFirstToken } from "./accumulator.ts";
import { chatCompletionsDialect } from "./reply-dialect.ts";
import { countTextTokens } from "../router/tokens.ts";
import type { UpstreamEvent } from "../providers/types.ts";

const chunk = (delta: Record<string, unknown>, finish: string | null = null): UpstreamEvent =>
  ({ type: "chunk", choices: [{ index: 0, delta, finish_reason: finish }] }) as UpstreamEvent;

describe("isFirstToken", () => {
  it("commits on content, tool calls, a finish and streamed reasoning; not on a role header or usage", () => {
    expect(isFirstToken(chunk({ role: "assistant" }))).toBe(false);
    expect(isFirstToken(chunk({ content: "" }))).toBe(false);
    expect(isFirstToken({ type: "usage", usage: { prompt_tokens: 10, completion_tokens: 0 } } as UpstreamEvent)).toBe(
      false,
    );
    expect(isFirstToken(chunk({ content: "Hi" }))).toBe(true);
    expect(isFirstToken(chunk({}, "stop"))).toBe(true);
    // A reasoning model thinking for longer than the first-token timeout is alive, not stalled.
    expect(isFirstToken(chunk({ reasoning_content: "Let me think" }))).toBe(true);
  });
});

describe("CompletionAccumulator with tool calls", () => {
  // Two parallel calls whose pieces arrive interleaved, as some OpenAI-compatible servers send them:
  // each piece names its call by `index` only after the first.
  const interleaved: UpstreamEvent[] = [
    chunk({ role: "assistant", content: null }),
    chunk({
      tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }],
    }),
    chunk({
      tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz"' } }],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: ':"Europe/Paris"' } }] }),
    chunk({
      tool_calls: [
        { index: 0, function: { arguments: '"Paris"}' } },
        { index: 1, function: { arguments: "}" } },
      ],
    }),
    chunk({}, "tool_calls"),
  ];

  it("assembles interleaved argument pieces of two calls into two whole calls, in index order", () => {
    const acc = new CompletionAccumulator();
    for (const e of interleaved) acc.add(e);
    const [choice] = acc.messageChoices();
    expect(choice).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: null,
        refusal: null,
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz":"Europe/Paris"}' } },
        ],
      },
      logprobs: null,
      finish_reason: "tool_calls",
    });
    expect(acc.produced).toBe(true);
    // With no usage from the upstream (a broken stream), the calls' names and arguments are what was produced.
    expect(acc.completionTokens()).toBe(countTextTokens('get_weather{"city":"Paris"}get_time{"tz":"Europe/Paris"}'));
  });

  it("keeps a call that arrives before a lower index in index order", () => {
    const acc = new CompletionAccumulator();
    acc.add(
      chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "b", arguments: "{}" } }] }),
    );
    acc.add(
      chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "a", arguments: "{}" } }] }),
    );
    expect(acc.messageChoices()[0]!.message.tool_calls!.map((c) => c.id)).toEqual(["call_a", "call_b"]);
  });

  it("a streamed reply passes every tool_calls delta to the client as the upstream sent it", () => {
    const acc = new CompletionAccumulator();
    const reply = chatCompletionsDialect.stream({
      requestId: "r",
      completionId: "chatcmpl-r",
      created: 1,
      model: "p/m",
      acc,
    });
    const sent = interleaved
      .flatMap((e) => reply.push(e))
      .map((bytes) => JSON.parse(new TextDecoder().decode(bytes).replace(/^data: /, "")) as { choices: unknown[] });
    expect(sent.map((f) => f.choices)).toEqual(interleaved.map((e) => (e.type === "chunk" ? e.choices : [])));
  });
});
