import { formatTokens } from "@/components/admin/providers/format";
import { asList, type RuleView } from "./rule-types";

const or = (items: string[]) => items.join(" or ");

/** Readable conditions, e.g. "task = code", "prompt > 100k tokens". */
export function describeConditions(c: RuleView["conditions"] | undefined): string[] {
  if (!c) return [];
  const out: string[] = [];
  const tasks = asList(c.task_type);
  if (tasks.length) out.push(`task = ${or(tasks)}`);
  const levels = asList(c.power_level);
  if (levels.length) out.push(`level = ${or(levels)}`);
  if (c.privacy_required !== undefined) out.push(c.privacy_required ? "privacy required" : "privacy not required");
  if (c.prompt_tokens?.gt !== undefined) out.push(`prompt > ${formatTokens(c.prompt_tokens.gt)} tokens`);
  if (c.prompt_tokens?.lt !== undefined) out.push(`prompt < ${formatTokens(c.prompt_tokens.lt)} tokens`);
  const roles = asList(c.role);
  if (roles.length) out.push(`role = ${or(roles)}`);
  const keys = asList(c.api_key_id);
  if (keys.length) out.push(`API key = ${or(keys.map((k) => (k.length > 10 ? `${k.slice(0, 8)}…` : k)))}`);
  return out;
}

/** Readable actions, e.g. "pin openai/gpt-4o", "exclude groq, together". */
export function describeActions(a: RuleView["actions"] | undefined): string[] {
  if (!a) return [];
  const out: string[] = [];
  if (a.pin_model) out.push(`pin ${a.pin_model}`);
  if (a.force_power_level) out.push(`force ${a.force_power_level}`);
  const prefer = asList(a.prefer_providers);
  if (prefer.length) out.push(`prefer ${prefer.join(", ")}`);
  const exclude = asList(a.exclude_providers);
  if (exclude.length) out.push(`exclude ${exclude.join(", ")}`);
  return out;
}

export function RuleChips({ rule }: { rule: Pick<RuleView, "conditions" | "actions"> }) {
  const when = describeConditions(rule.conditions);
  const then = describeActions(rule.actions);
  return (
    <div className="space-y-1.5 text-xs">
      <ChipLine
        label="When"
        items={when.length ? when : ["every request"]}
        tone="bg-sky-50 text-sky-800 ring-sky-200"
      />
      <ChipLine label="Then" items={then} tone="bg-violet-50 text-violet-800 ring-violet-200" />
    </div>
  );
}

function ChipLine({ label, items, tone }: { label: string; items: string[]; tone: string }) {
  return (
    <div className="flex min-w-0 flex-wrap items-center gap-1.5">
      <span className="w-10 shrink-0 font-medium tracking-wide text-slate-400 uppercase">{label}</span>
      <ul aria-label={label === "When" ? "Conditions" : "Actions"} className="flex min-w-0 flex-wrap gap-1.5">
        {items.map((item) => (
          <li key={item} className={`min-w-0 rounded-full px-2 py-0.5 font-medium wrap-anywhere ring-1 ${tone}`}>
            {item}
          </li>
        ))}
      </ul>
    </div>
  );
}
