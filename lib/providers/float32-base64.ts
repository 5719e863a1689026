/**
 * Embedding vectors as OpenAI's `encoding_format: "base64"` carries them: the base64 of the
 * vector's float32 values, little-endian, one after the other. The official openai SDK asks for
 * this by default and decodes it into a Float32Array, so the byte order is explicit here rather
 * than the host's.
 */

/** The vector's values as float32 (rounded, as a provider's float32 model output already is), in base64. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString("base64");
}

/** The vector a base64 float32 string holds; null when the text is not whole float32 values. */
export function base64Float32(text: string): number[] | null {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % 4 !== 0) return null;
  const out = new Array<number>(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
