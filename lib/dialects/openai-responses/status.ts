/**
 * A chat finish reason as the Responses API's status: a reply cut off by the output limit or by a
 * content filter is `incomplete`, with the reason OpenAI gives for each; everything else completed.
 */
export type ResponseStatus = "completed" | "incomplete";
export type IncompleteDetails = { reason: "max_output_tokens" | "content_filter" };

export function responseStatus(finishReason: string | null | undefined): {
  status: ResponseStatus;
  incomplete_details: IncompleteDetails | null;
} {
  if (finishReason === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finishReason === "content_filter")
    return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}
