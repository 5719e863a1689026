/**
 * The Response object, as OpenAI's API reference documents it, shared by the non-streamed reply
 * and by the stream's lifecycle events (response.created … response.completed / incomplete /
 * failed), so both forms describe a reply in the same words.
 *
 * Besides the output, the object repeats the request's settings (instructions, tools, tool_choice,
 * sampling, text format, metadata), as OpenAI's does: `echoOf` takes them from the parsed request,
 * with OpenAI's defaults where the caller gave none. Sampling left to the provider reads null
 * (the gateway cannot know each upstream's default). `store` is always false and
 * `previous_response_id` null: nothing is kept (see schema.ts). `output_text` is left out, as on
 * OpenAI's wire; the SDKs compute it.
 */
import type { FunctionTool, ResponsesRequest, TextFormat, ToolChoice } from "./schema.ts";
import type { IncompleteDetails } from "./status.ts";
import type { ResponsesUsage } from "./usage.ts";

export type ItemStatus = "in_progress" | "completed" | "incomplete";
export type OutputTextPart = { type: "output_text"; text: string; annotations: never[] };
export type RefusalPart = { type: "refusal"; refusal: string };
export type MessageOutput = {
  type: "message";
  id: string;
  status: ItemStatus;
  role: "assistant";
  content: (OutputTextPart | RefusalPart)[];
};
export type FunctionCallOutput = {
  type: "function_call";
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
};
export type OutputItem = MessageOutput | FunctionCallOutput;

export type EchoedTool = {
  type: "function";
  name: string;
  description: string | null;
  parameters: Record<string, unknown> | null;
  strict: boolean | null;
};

/** The request's settings as the Response object repeats them. */
export type ResponseEcho = {
  instructions: string | null;
  max_output_tokens: number | null;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  text: { format: TextFormat };
  tool_choice: ToolChoice;
  tools: EchoedTool[];
  user: string | null;
  metadata: Record<string, string>;
};

export function echoOf(req: ResponsesRequest): ResponseEcho {
  return {
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    temperature: req.temperature ?? null,
    top_p: req.top_p ?? null,
    text: { format: req.text?.format ?? { type: "text" } },
    tool_choice: req.tool_choice ?? "auto",
    tools: (req.tools ?? []).map(echoedTool),
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

function echoedTool(t: FunctionTool): EchoedTool {
  return {
    type: "function",
    name: t.name,
    description: t.description ?? null,
    parameters: t.parameters ?? null,
    strict: t.strict ?? null,
  };
}

export type ResponseError = { code: "server_error"; message: string };

export type ResponseObject = {
  id: string;
  object: "response";
  created_at: number;
  status: "in_progress" | "completed" | "incomplete" | "failed";
  background: false;
  error: ResponseError | null;
  incomplete_details: IncompleteDetails | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  store: false;
  temperature: number | null;
  text: { format: TextFormat };
  tool_choice: ToolChoice;
  tools: EchoedTool[];
  top_p: number | null;
  truncation: "disabled";
  usage: ResponsesUsage | null;
  user: string | null;
  metadata: Record<string, string>;
};

export type ResponseState = {
  id: string;
  createdAt: number;
  model: string;
  status: ResponseObject["status"];
  output: OutputItem[];
  usage: ResponsesUsage | null;
  error?: ResponseError | null;
  incompleteDetails?: IncompleteDetails | null;
  echo: ResponseEcho;
};

export function responseObject(s: ResponseState): ResponseObject {
  const e = s.echo;
  return {
    id: s.id,
    object: "response",
    created_at: s.createdAt,
    status: s.status,
    background: false,
    error: s.error ?? null,
    incomplete_details: s.incompleteDetails ?? null,
    instructions: e.instructions,
    max_output_tokens: e.max_output_tokens,
    model: s.model,
    output: s.output,
    parallel_tool_calls: e.parallel_tool_calls,
    previous_response_id: null,
    store: false,
    temperature: e.temperature,
    text: e.text,
    tool_choice: e.tool_choice,
    tools: e.tools,
    top_p: e.top_p,
    truncation: "disabled",
    usage: s.usage,
    user: e.user,
    metadata: e.metadata,
  };
}
