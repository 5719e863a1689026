import { describe, expect, it } from "vitest";
import { fromZodError } from "../../http/errors.ts";
import {
  BACKGROUND_REFUSAL,
  CONVERSATION_REFUSAL,
  PREVIOUS_RESPONSE_REFUSAL,
  responsesRequestSchema,
} from "./schema.ts";
import {
  base64ImageRequest,
  functionCallOutputRequest,
  functionCallRequest,
  imageRequest,
  instructionsRequest,
  parallelCallItems,
  rolesRequest,
  streamedTextRequest,
  textRequest,
  textResponse,
} from "./test-fixtures.ts";

const parse = (body: unknown) => responsesRequestSchema.safeParse(body);
const problem = (body: unknown) => {
  const r = parse(body);
  if (r.success) throw new Error("expected a validation error");
  return fromZodError(r.error, responsesRequestSchema);
};

describe("responsesRequestSchema", () => {
  it.each([
    ["text", textRequest],
    ["instructions", instructionsRequest],
    ["message roles", rolesRequest],
    ["image URL", imageRequest],
    ["base64 image", base64ImageRequest],
    ["function calling", functionCallRequest],
    ["function call output round trip", functionCallOutputRequest],
    ["streamed text", streamedTextRequest],
  ])("accepts OpenAI's documented %s request", (_name, body) => {
    expect(parse(body).success).toBe(true);
  });

  it("accepts a previous reply's output items sent back as input (the SDKs' `input.push(...response.output)`)", () => {
    const r = parse({
      model: "gpt-4.1",
      input: [
        { role: "user", content: "hi" },
        ...(textResponse.output as unknown[]),
        ...parallelCallItems,
        { type: "message", role: "assistant", content: [{ type: "refusal", refusal: "I can't help with that." }] },
      ],
    });
    expect(r.success).toBe(true);
  });

  it("accepts router aliases and provider/model ids as model names, and Switchyard's routing fields", () => {
    for (const model of ["eco", "balanced", "precision", "auto", "openai/gpt-4.1"])
      expect(parse({ ...textRequest, model }).success).toBe(true);
    const r = parse({
      ...textRequest,
      model: "auto",
      power_level: "eco",
      task_type: "CODE",
      max_cost_usd: 0.01,
      latency_slo: "FAST",
      region: " EU ",
    });
    expect(r.success && [r.data.task_type, r.data.latency_slo, r.data.region]).toEqual(["code", "fast", "eu"]);
  });

  it("accepts and drops fields it does not translate, at the top and inside items", () => {
    const r = parse({
      ...textRequest,
      reasoning: { effort: "low" },
      include: ["reasoning.encrypted_content"],
      truncation: "auto",
      service_tier: "flex",
      store: true,
      input: [
        {
          type: "message",
          role: "user",
          content: [{ type: "input_text", text: "hi", prompt_cache_breakpoint: {} }],
          phase: null,
          id: "msg_1",
          status: "completed",
        },
      ],
    });
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data).not.toHaveProperty("reasoning");
    expect(r.data).not.toHaveProperty("service_tier");
    expect(r.data.input).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }]);
  });

  it("refuses previous_response_id, conversation and background: true, each by name, with why", () => {
    expect(problem({ ...textRequest, previous_response_id: "resp_123" })).toMatchObject({
      status: 400,
      param: "previous_response_id",
      message: PREVIOUS_RESPONSE_REFUSAL,
    });
    expect(PREVIOUS_RESPONSE_REFUSAL).toBe(
      "previous_response_id is not supported: Switchyard does not store responses; send the conversation as input items",
    );
    expect(problem({ ...textRequest, conversation: "conv_123" })).toMatchObject({
      param: "conversation",
      message: CONVERSATION_REFUSAL,
    });
    expect(problem({ ...textRequest, conversation: { id: "conv_123" } })).toMatchObject({
      param: "conversation",
      message: CONVERSATION_REFUSAL,
    });
    expect(problem({ ...textRequest, background: true })).toMatchObject({
      param: "background",
      message: BACKGROUND_REFUSAL,
    });
    // Saying "none" is not asking for stored state.
    expect(parse({ ...textRequest, previous_response_id: null, conversation: null, background: false }).success).toBe(
      true,
    );
  });

  it("refuses tools other than functions", () => {
    for (const tool of [
      { type: "web_search_preview" },
      { type: "file_search", vector_store_ids: ["vs_1"] },
      { type: "custom", name: "f" },
    ]) {
      const p = problem({ ...functionCallRequest, tools: [tool] });
      expect(p.param).toBe("tools.0.type");
      expect(p.message).toContain("only function tools are supported");
    }
    expect(problem({ ...functionCallRequest, tool_choice: { type: "web_search_preview" } }).param).toBe(
      "tool_choice.type",
    );
  });

  it("requires model and input, and an input list with items", () => {
    expect(problem({ input: "hi" })).toMatchObject({ param: "model", message: "model is required" });
    expect(problem({ model: "auto" })).toMatchObject({ param: "input", message: "input is required" });
    expect(problem({ model: "auto", input: [] }).param).toBe("input");
  });

  it("names what is wrong with an item or a part", () => {
    expect(problem({ model: "auto", input: [{ type: "reasoning", id: "rs_1", summary: [] }] }).message).toMatch(
      /^input\.0\.type must be message .*function_call or function_call_output/,
    );
    expect(problem({ model: "auto", input: [{ role: "tool", content: "x" }] }).message).toBe(
      "input.0.role must be user, assistant, system or developer",
    );
    expect(
      problem({ model: "auto", input: [{ role: "user", content: [{ type: "input_file", file_id: "file_1" }] }] })
        .message,
    ).toContain("input_file is not supported");
    expect(
      problem({
        model: "auto",
        input: [{ role: "user", content: [{ type: "input_image", file_id: "file_1", detail: "auto" }] }],
      }),
    ).toMatchObject({
      param: "input.0.content.0.image_url",
      message: expect.stringContaining("file_id (the Files API) is not supported"),
    });
    expect(
      problem({
        model: "auto",
        input: [{ role: "user", content: [{ type: "input_image", image_url: "ftp://example.com/a.png" }] }],
      }).param,
    ).toBe("input.0.content.0.image_url");
    expect(
      problem({ model: "auto", input: [{ type: "function_call", call_id: "", name: "f", arguments: "{}" }] }).param,
    ).toBe("input.0.call_id");
  });

  it("checks sampling, limits and formats", () => {
    expect(problem({ ...textRequest, max_output_tokens: 0 }).param).toBe("max_output_tokens");
    expect(problem({ ...textRequest, temperature: 2.5 }).param).toBe("temperature");
    expect(problem({ ...textRequest, top_p: -1 }).param).toBe("top_p");
    expect(problem({ ...textRequest, text: { format: { type: "yaml" } } }).message).toBe(
      "text.format.type must be text, json_object or json_schema",
    );
    expect(problem({ ...textRequest, text: { format: { type: "json_schema", schema: {} } } }).param).toBe(
      "text.format.name",
    );
    expect(
      problem({ ...textRequest, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) })
        .message,
    ).toBe("metadata can have at most 16 keys");
    expect(problem({ ...textRequest, metadata: { k: "v".repeat(513) } }).param).toBe("metadata.k");
    expect(
      parse({
        ...textRequest,
        text: { format: { type: "json_schema", name: "x", schema: { type: "object" }, strict: true } },
        metadata: { a: "b" },
      }).success,
    ).toBe(true);
  });
});
