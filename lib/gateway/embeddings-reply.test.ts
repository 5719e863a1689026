import { describe, expect, it } from "vitest";
import { base64Float32 } from "../providers/float32-base64.ts";
import { embeddingsReply } from "./embeddings-reply.ts";

describe("embeddings reply", () => {
  it("writes the reply in OpenAI's shape, vectors as floats or base64", () => {
    const vectors = [
      [0.5, 0.25],
      [-1, 0],
    ];
    expect(embeddingsReply(vectors, "sim/embed", 7, "float")).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.5, 0.25] },
        { object: "embedding", index: 1, embedding: [-1, 0] },
      ],
      model: "sim/embed",
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
    const base64 = embeddingsReply(vectors, "sim/embed", 7, "base64");
    expect(base64.data.map((d) => base64Float32(d.embedding as string))).toEqual(vectors);
  });
});
