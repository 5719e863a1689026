/**
 * Cheap task-type guess from the last user message, used when the request has no task_type.
 * Fixed patterns only (never built from user input); only the head and tail of a long message
 * are scanned, so the cost is bounded whatever the prompt size.
 */
import type { TaskType } from "./types.ts";

/** Prompts at least this long (estimated tokens) read as document work: rag. */
export const LONG_CONTEXT_TOKENS = 16_000;
const SCAN_CHARS = 4_000;

const CODE_SHAPES =
  /```|#include\s*<|\bdef \w+\s*\(|\bfunction\s*\w*\s*\(|=>\s*[{(]|\b(?:const|let|var)\s+\w+\s*=|\bimport\s+[\w{*].*\bfrom\b|\bSELECT\b[\s\S]{1,200}\bFROM\b|<\/?(?:div|span|html|body|script|style|template)\b/;
const CODE_WORDS =
  /\b(?:code|coding|debug|debugging|bug|compile[rsd]?|refactor|stack ?trace|exception|segfault|typescript|javascript|python|java|golang|rust|c\+\+|kotlin|swift|sql|regex|function|method|class|api endpoint|unit tests?|npm|pip install|git)\b/i;
const RAG_WORDS =
  /\b(?:summari[sz]e (?:this|the|these|following|attached)|tl;?dr|according to the (?:document|text|article|context|passage)|based on the (?:following|above|attached|provided) (?:document|text|article|context|passage)s?|in the (?:attached|provided|following) (?:document|text|article|pdf|file)|from the (?:document|context) (?:above|below))/i;
const CREATIVE_REQUEST =
  /\b(?:write|compose|tell|create|make up)\b[^.?!\n]{0,40}\b(?:story|poem|haiku|limerick|sonnet|lyrics|song|fairy tale|screenplay|novel)\b/i;
const CREATIVE_WORDS =
  /\b(?:story|stories|poem|poems|poetry|haiku|limerick|sonnet|lyrics|song|fiction|fairy tale|screenplay|script for|novel|short story|rhyme)\b/i;
const REASONING_WORDS =
  /\b(?:prove|proof|step[- ]by[- ]step|why|derive|deduce|reason(?:ing)? through|explain the reasoning|logic puzzle|riddle|theorem|calculate|solve)\b/i;

/**
 * Order: code (fences, code shapes) → rag (document phrases, or a long prompt) → creative request
 * ("write a poem about ...") → code words → creative words → reasoning → chat. `analysis` is never inferred (it must be asked for).
 */
export function inferTaskType(lastUserText: string, promptTokens = 0): TaskType {
  const text =
    lastUserText.length > 2 * SCAN_CHARS
      ? lastUserText.slice(0, SCAN_CHARS) + "\n" + lastUserText.slice(-SCAN_CHARS)
      : lastUserText;
  if (lastUserText.includes("```") || CODE_SHAPES.test(text)) return "code";
  if (RAG_WORDS.test(text)) return "rag";
  if (promptTokens >= LONG_CONTEXT_TOKENS) return "rag";
  if (CREATIVE_REQUEST.test(text)) return "creative";
  if (CODE_WORDS.test(text)) return "code";
  if (CREATIVE_WORDS.test(text)) return "creative";
  if (REASONING_WORDS.test(text)) return "reasoning";
  return "chat";
}
