import { describe, expect, it } from "vitest";
import { fromZodError } from "../http/errors.ts";
import { countTextTokens } from "../router/tokens.ts";
import {
  countInputTokens,
  EMBEDDING_INPUT_ALLOWANCE,
  embeddingsFacts,
  embeddingsRoutingRequest,
  embeddingsSchema,
  MAX_EMBEDDING_INPUTS,
} from "./embeddings-request.ts";

/** The 400's message and param, as the route would answer them. */
function refusal(body: unknown): { message: string; param: string | null } {
  const parsed = embeddingsSchema.safeParse(body);
  if (parsed.success) throw new Error(`expected a refusal of ${JSON.stringify(body)}`);
  const e = fromZodError(parsed.error, embeddingsSchema);
  return { message: e.message, param: e.param };
}

describe("embeddings request", () => {
  it("takes OpenAI's four input forms, always as a list of inputs", () => {
    const input = (v: unknown) => embeddingsSchema.parse({ model: "auto", input: v }).input;
    expect(input("hello")).toEqual(["hello"]);
    expect(input(["a", "b"])).toEqual(["a", "b"]);
    expect(input([1, 2, 3])).toEqual([[1, 2, 3]]);
    expect(input([[1, 2], [3]])).toEqual([[1, 2], [3]]);
  });

  it("takes dimensions, encoding_format, user and the routing fields", () => {
    const body = embeddingsSchema.parse({
      model: "eco",
      input: "x",
      dimensions: 256,
      encoding_format: "base64",
      user: "u-1",
      power_level: "eco",
      privacy_required: false,
      region: "EU",
      max_cost_usd: 0.0003,
      latency_slo: "fast",
      quality: "good",
    });
    expect(body).toMatchObject({
      dimensions: 256,
      encoding_format: "base64",
      user: "u-1",
      power_level: "ECO",
      region: "eu",
    });
    expect(embeddingsRoutingRequest(body)).toEqual({
      model: "eco",
      operation: "embeddings",
      powerLevel: "ECO",
      taskType: "rag",
      privacyRequired: false,
      latencySlo: "fast",
      quality: "good",
      maxCostMicros: 300,
      region: "eu",
    });
    expect(
      embeddingsRoutingRequest(embeddingsSchema.parse({ model: "auto", input: "x", task_type: "code" })).taskType,
    ).toBe("code");
  });

  it("refuses bad input with a sentence naming the field", () => {
    expect(refusal({ model: "auto" })).toEqual({ message: "input is required", param: "input" });
    expect(refusal({ model: "auto", input: "" })).toEqual({
      message: "input must not be an empty string",
      param: "input",
    });
    expect(refusal({ model: "auto", input: [] }).message).toBe("input needs at least one entry");
    expect(refusal({ model: "auto", input: ["a", ""] }).message).toBe("input must not contain empty strings");
    expect(refusal({ model: "auto", input: ["a", 1] }).message).toMatch(/^input must be all strings/);
    expect(refusal({ model: "auto", input: [[1], []] }).message).toMatch(/^input must be all strings/);
    expect(refusal({ model: "auto", input: [-1] }).message).toMatch(/^input must be all strings/);
    expect(refusal({ model: "auto", input: 5 }).message).toBe(
      "input must be a string, an array of strings, or an array of token ids",
    );
    expect(refusal({ model: "auto", input: Array.from({ length: MAX_EMBEDDING_INPUTS + 1 }, () => "x") }).message).toBe(
      `input can have at most ${MAX_EMBEDDING_INPUTS} entries`,
    );
    expect(refusal({ input: "x" }).param).toBe("model");
    expect(refusal({ model: "auto", input: "x", dimensions: 0 }).param).toBe("dimensions");
    expect(refusal({ model: "auto", input: "x", dimensions: 1.5 }).param).toBe("dimensions");
    expect(refusal({ model: "auto", input: "x", encoding_format: "int8" }).param).toBe("encoding_format");
  });

  it("bounds the billable tokens by bytes per input, checks the window by the longest input, and outputs nothing", () => {
    const texts = ["héllo wörld", "a", "a much longer text than the others, with several words in it"];
    const facts = embeddingsFacts(texts);
    const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, "utf8"), 0);
    expect(facts).toEqual({
      promptTokens: Math.max(...texts.map((t) => countTextTokens(t))),
      promptTokensBound: bytes + texts.length * EMBEDDING_INPUT_ALLOWANCE,
      maxOutputTokens: 0,
      promptInputs: 3,
      estimatedTokens: texts.reduce((n, t) => n + countTextTokens(t), 0),
    });
    // The bound holds whatever the text (every token is at least one byte).
    for (const t of texts) expect(countTextTokens(t)).toBeLessThanOrEqual(Buffer.byteLength(t, "utf8"));
    expect(embeddingsFacts([[1, 2, 3], [4]])).toMatchObject({
      promptTokens: 3,
      promptTokensBound: 4 + 2 * EMBEDDING_INPUT_ALLOWANCE,
      promptInputs: 2,
      estimatedTokens: 4,
    });
    expect(countInputTokens(texts)).toBe(facts.estimatedTokens);
  });
});
