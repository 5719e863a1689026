import type { ApiKeyView } from "./key-types";

const count = (n: number) => n.toLocaleString("en-US");

/** How many allowed models are listed before "and N more" (the whole list is in the tooltip). */
const SHOWN_MODELS = 3;

const modelText = (m: string) => (m.endsWith("/*") ? `every ${m.slice(0, -2)} model` : m);

/** A key's fences as sentences, one a line; only those that are set. */
export function fenceLines(k: ApiKeyView, now = new Date()): { label: string; text: string; title?: string }[] {
  const lines: { label: string; text: string; title?: string }[] = [];
  if (k.allowed_power_levels)
    lines.push({
      label: "Power levels",
      text: `${k.allowed_power_levels.join(", ")}${k.allowed_power_levels.length === 1 ? " only" : ""}`,
    });
  if (k.allowed_models) {
    const more = k.allowed_models.length - SHOWN_MODELS;
    lines.push({
      label: "Models",
      text: `${k.allowed_models.slice(0, SHOWN_MODELS).map(modelText).join(", ")}${more > 0 ? ` and ${more} more` : ""}`,
      title: more > 0 ? k.allowed_models.join("\n") : undefined,
    });
  }
  if (k.rpm !== null) lines.push({ label: "Rate", text: `${count(k.rpm)} requests a minute` });
  if (k.tpm !== null)
    lines.push({ label: k.rpm !== null ? "Tokens" : "Rate", text: `${count(k.tpm)} tokens a minute` });
  if (k.expires_at) {
    const at = new Date(k.expires_at);
    lines.push({ label: at <= now ? "Expired" : "Expires", text: at.toLocaleDateString() });
  }
  if (k.routing_profile) {
    const p = k.routing_profile;
    lines.push({
      label: "Routing",
      text: `${[p.primary, p.fallback].filter(Boolean).join(", then ")}${p.local ? `; private requests: ${p.local}` : ""}`,
    });
  }
  return lines;
}

/** The fences in words, for the keys table. */
export function KeyFences({ keyView }: { keyView: ApiKeyView }) {
  const lines = fenceLines(keyView);
  if (lines.length === 0) return <span className="text-slate-500">No limits: any model, any rate, never expires</span>;
  return (
    <ul className="space-y-0.5">
      {lines.map((l) => (
        <li key={l.label} title={l.title} className="wrap-anywhere">
          <span className="text-slate-500">{l.label}:</span> {l.text}
        </li>
      ))}
    </ul>
  );
}
