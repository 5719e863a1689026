import { describe, expect, it } from "vitest";
import { base64Float32, float32Base64 } from "./float32-base64.ts";

describe("base64 float32 vectors", () => {
  it("encodes little-endian float32, as OpenAI does and its SDK decodes", () => {
    const vector = [0.1, -2.5, 3.4028234663852886e38, 0, 1e-8];
    const text = float32Base64(vector);
    const bytes = Buffer.from(text, "base64");
    expect(bytes).toHaveLength(vector.length * 4);
    // Decoded the way the openai SDK does it (a Float32Array over the bytes, on a little-endian host).
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, vector.length));
    expect(decoded).toEqual(vector.map(Math.fround));
    expect(bytes.readFloatLE(4)).toBe(-2.5);
    expect(base64Float32(text)).toEqual(vector.map(Math.fround));
  });

  it("refuses text that is not whole float32 values", () => {
    expect(base64Float32(Buffer.from([1, 2, 3]).toString("base64"))).toBeNull();
    expect(base64Float32("")).toEqual([]);
  });
});
