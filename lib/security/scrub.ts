/**
 * Removes credentials from text we do not control (upstream error bodies, transport errors)
 * before it is shown to anyone, logged or stored. Upstreams echo what they were sent ("Incorrect
 * API key provided: sk-…"), and that text reaches ordinary users, usage rows and the admin
 * health view, so a platform or BYOK key would leak to people who must never see it.
 *
 * Two layers: the exact keys used for the call (whatever they look like), and patterns for
 * anything that looks like a credential. The patterns err towards removing: a message that loses
 * a word is better than a key that leaks. UUIDs, model ids and dates are kept, as they are what
 * makes an error message useful.
 */

export const REDACTED = "[redacted]";

export type KnownSecrets = readonly (string | null | undefined)[];

/** Pieces of a known key this long are removed too: echoes are often truncated or partly masked. */
const MIN_FRAGMENT = 10;
/** Anything shorter is no real key, and removing it would take ordinary words with it. */
const MIN_KNOWN = 4;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

type Rule = [RegExp, (match: string, ...groups: string[]) => string];

// The bounded repeats ({0,30}, {0,40}) keep each rule linear on long runs of word characters.
const RULES: Rule[] = [
  // https://user:password@host/...
  [/\b([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/?#@[\]]+@/gi, (_, scheme) => `${scheme}${REDACTED}@`],
  // A scheme followed by a plain word is prose ("Bearer authentication"), anything else a credential.
  [
    /\b(Bearer|Basic)(\s+)([\w\-.~+/*]+=*)/gi,
    (m, scheme, space, token) => (/^[A-Za-z][a-z]*$/.test(token) ? m : `${scheme}${space}${REDACTED}`),
  ],
  // Header and parameter forms: `x-api-key: …`, `OPENAI_API_KEY=…`, `"password": "…"`.
  [
    /\b((?:[\w-]{0,40}[_-])?(?:api[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|client[_-]?secret|secret[_-]?key|password|passwd|authorization)["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic)\b)([^\s"'&,;)}[\]]+)/gi,
    (_, name) => `${name}${REDACTED}`,
  ],
  // Credentials in a query string: ?key=…, &sig=… (Google, Azure SAS).
  [/([?&](?:key|sig|signature|token|code)=)[^\s&#"'[\]]+/gi, (_, name) => `${name}${REDACTED}`],
  // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Switchyard's own (sk-sy-), masked forms included.
  [/\bsk-(?:[\w*-]|\.(?=[\w*])){8,}/g, () => REDACTED],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, () => REDACTED],
  [/\bAIza[\w-]{35}/g, () => REDACTED],
  // Partly masked keys ("abcd****wxyz") still give away their visible ends.
  [/(?<![\w*-])[\w-]*\*{4,}[\w*-]*/g, (m) => (/\w/.test(m) ? REDACTED : m)],
  // Long base64/base64url/hex runs, unless they split into words and ids.
  [/[A-Za-z0-9+/_-]{32,}={0,2}/g, (m) => (looksLikeWords(m) ? m : REDACTED)],
];

/** `text` with every known secret (and its URL- or JSON-escaped forms) and every credential-looking token replaced by REDACTED. */
export function scrubSecrets(text: string, knownSecrets: KnownSecrets = []): string {
  let out = removeKnown(text, knownSecrets);
  for (const [pattern, replace] of RULES) out = out.replace(pattern, replace);
  return out;
}

function removeKnown(text: string, knownSecrets: KnownSecrets): string {
  const forms = new Set<string>();
  for (const secret of knownSecrets) {
    if (!secret) continue;
    for (const s of new Set([secret, secret.trim()])) {
      if (s.length < MIN_KNOWN) continue;
      const json = JSON.stringify(s).slice(1, -1);
      [s, encodeURIComponent(s), json, json.replaceAll("/", "\\/")].forEach((f) => forms.add(f));
    }
  }
  if (forms.size === 0) return text;
  const mask = new Uint8Array(text.length);
  for (const form of forms) markFragments(text, form, mask);
  let out = "";
  for (let i = 0; i < text.length;) {
    if (!mask[i]) {
      out += text[i++];
      continue;
    }
    out += REDACTED;
    while (i < text.length && mask[i]) i++;
  }
  return out;
}

/**
 * Marks every stretch of `text` that shares at least MIN_FRAGMENT characters with `secret` (the
 * whole secret when it is shorter): covering each such window covers every longer common run.
 */
function markFragments(text: string, secret: string, mask: Uint8Array): void {
  const k = Math.min(secret.length, MIN_FRAGMENT);
  const seen = new Set<string>();
  for (let s = 0; s + k <= secret.length; s++) {
    const piece = secret.slice(s, s + k);
    if (seen.has(piece)) continue;
    seen.add(piece);
    for (let at = text.indexOf(piece); at !== -1; at = text.indexOf(piece, at + 1)) mask.fill(1, at, at + k);
  }
}

/**
 * A long run of key characters that is really ids and words: a model id
 * ("accounts/fireworks/models/llama-v3p1-405b-instruct"), a path, a UUID with a prefix. Random
 * keys almost never split into short or dictionary-shaped pieces; hex digests never do.
 */
function looksLikeWords(run: string): boolean {
  const pieces = run
    .replace(UUID, "uuid")
    .split(/[-/_+=]+/)
    .filter(Boolean);
  return pieces.every(
    (p) => p.length <= 6 || /^\d+$/.test(p) || /^[A-Z]+$/.test(p) || /^[A-Za-z][a-z]+(?:[A-Z][a-z]+)*$/.test(p),
  );
}
