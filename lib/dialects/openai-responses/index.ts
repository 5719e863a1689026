/** OpenAI's Responses API as a client-side dialect of the gateway: parse, translate, encode. */
export {
  responsesRequestSchema,
  type ResponsesRequest,
  type InputItem,
  type FunctionTool,
  type ToolChoice,
  type TextFormat,
} from "./schema.ts";
export { responsesToChatBody } from "./to-chat.ts";
export { ResponsesRequestError } from "./request-error.ts";
export { responsesDialect } from "./dialect.ts";
export { responseId, itemId } from "./ids.ts";
export { echoOf, responseObject, type ResponseEcho, type ResponseObject, type OutputItem } from "./response-object.ts";
export { encodeResponse, type CompletedResponse, type CompletedToolCall } from "./encode-response.ts";
export { ResponsesStreamEncoder, type StreamEncoderOptions } from "./encode-stream.ts";
export { responseStatus } from "./status.ts";
export { responsesUsage, type ResponsesUsage } from "./usage.ts";
