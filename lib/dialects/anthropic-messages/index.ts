/** Anthropic's Messages API as a client-side dialect of the gateway: parse, translate, encode. */
export {
  messagesRequestSchema,
  type MessagesRequest,
  type MessageParam,
  type ToolParam,
  type ToolChoiceParam,
} from "./schema.ts";
export { messagesToChatBody } from "./to-chat.ts";
export {
  anthropicError,
  anthropicErrorBody,
  anthropicErrorType,
  type AnthropicErrorBody,
  type AnthropicErrorType,
} from "./errors.ts";
export { MessagesRequestError } from "./request-error.ts";
export { messagesDialect } from "./dialect.ts";
export { messageId } from "./ids.ts";
export {
  encodeMessageResponse,
  toolInput,
  type AnthropicMessage,
  type CompletedMessage,
  type CompletedToolCall,
} from "./encode-response.ts";
export { MessagesStreamEncoder, type StreamEncoderOptions, type StreamFinish } from "./encode-stream.ts";
export { anthropicStopReason, type AnthropicStopReason } from "./stop-reason.ts";
export { anthropicUsage, type AnthropicUsage } from "./usage.ts";
