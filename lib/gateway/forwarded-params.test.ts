import { describe, expect, it } from "vitest";
import { forwardable, pricedParams } from "./forwarded-params.ts";
import { upstreamRequest } from "./chat-request.ts";

const body = {
  model: "auto",
  messages: [{ role: "user", content: "hi", audio: { id: "audio_1" }, name: "bob" }],
  temperature: 0.2,
  service_tier: "priority",
  store: true,
  metadata: { a: "b" },
  modalities: ["text", "audio"],
  logprobs: true,
  top_k: 5,
  mystery_flag: 1,
};

describe("forwarded parameters", () => {
  it("names the priced or retained parameters a request sets (n only from 2)", () => {
    expect(pricedParams(body)).toEqual(["service_tier", "store", "modalities"]);
    expect(pricedParams({ n: 1, best_of: 3, prediction: { type: "content" } })).toEqual(["prediction", "best_of"]);
    expect(pricedParams({ n: 2 })).toEqual(["n"]);
    expect(pricedParams({ service_tier: null, temperature: 1 })).toEqual([]);
  });

  it("under the platform key forwards only the kind's allow-list, and only known message fields", () => {
    const openai = forwardable(body, "openai-compatible", false);
    expect(Object.keys(openai).sort()).toEqual(["logprobs", "messages", "model", "temperature"]);
    expect(openai.messages).toEqual([{ role: "user", content: "hi", name: "bob" }]);
    const anthropic = forwardable(body, "anthropic", false);
    expect(Object.keys(anthropic).sort()).toEqual(["messages", "model", "temperature", "top_k"]);
  });

  it("with the caller's own key forwards everything", () => {
    expect(forwardable(body, "openai-compatible", true)).toEqual(body);
  });

  it("always sends max_tokens, the bound the hold was priced on, and never routing fields", () => {
    const req = upstreamRequest(
      { ...body, power_level: "ECO", max_completion_tokens: 77, stream: true } as never,
      "gpt-x",
      64,
      "openai-compatible",
      true,
    );
    expect(req.max_tokens).toBe(64);
    expect(req.model).toBe("gpt-x");
    expect(req).not.toHaveProperty("power_level");
    expect(req).not.toHaveProperty("max_completion_tokens");
    expect(req).not.toHaveProperty("stream");
  });
});
