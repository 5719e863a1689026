import { Badge, Button } from "@/components/ui/primitives";
import { KeyFences } from "./key-fences";
import { KeySpend } from "./key-spend";
import type { ApiKeyView } from "./key-types";

function keyState(k: ApiKeyView): { label: string; tone: "green" | "red" | "slate" } {
  if (k.revoked_at) return { label: "revoked", tone: "red" };
  if (k.expires_at && new Date(k.expires_at) <= new Date()) return { label: "expired", tone: "slate" };
  return { label: "active", tone: "green" };
}

/**
 * The caller's gateway keys: what each spent this month against its limit, its fences in words,
 * and its actions in a column that stays on screen when the table scrolls sideways. Spend and
 * limits come right after the name, so a phone shows them before the table has to scroll.
 */
export function KeysTable({
  keys,
  busy,
  onEdit,
  onRevoke,
}: {
  keys: ApiKeyView[];
  busy: boolean;
  onEdit: (k: ApiKeyView) => void;
  onRevoke: (k: ApiKeyView) => void;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Gateway keys">
        <thead className="text-xs text-slate-500 uppercase">
          <tr>
            <th className="py-2 pr-3">Name</th>
            <th className="pr-3">Spend</th>
            <th className="pr-3">Limits</th>
            <th className="pr-3">State</th>
            <th className="pr-3">Key</th>
            <th className="pr-3">Created</th>
            <th className="pr-3">Last used</th>
            <th className="sticky right-0 bg-white pl-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {keys.map((k) => {
            const state = keyState(k);
            const revoked = state.label === "revoked";
            const nameId = `key-${k.id}-name`;
            return (
              <tr key={k.id} className={`align-top ${revoked ? "bg-slate-50 text-slate-500" : ""}`}>
                <td className="py-2 pr-3 font-medium">
                  <span id={nameId} className="block max-w-[9rem] truncate sm:max-w-[16rem]" title={k.name}>
                    {k.name}
                  </span>
                </td>
                <td className="py-2 pr-3">
                  <KeySpend keyView={k} name={k.name} />
                </td>
                <td className="max-w-72 min-w-48 py-2 pr-3">{revoked ? <span>—</span> : <KeyFences keyView={k} />}</td>
                <td className="py-2 pr-3">
                  <span title={k.revoked_at ? `since ${new Date(k.revoked_at).toLocaleString()}` : undefined}>
                    <Badge tone={state.tone}>{state.label}</Badge>
                  </span>
                </td>
                <td className="py-2 pr-3 font-mono text-xs whitespace-nowrap">{k.prefix}…</td>
                <td className="py-2 pr-3 whitespace-nowrap">{new Date(k.created_at).toLocaleDateString()}</td>
                <td className="py-2 pr-3 whitespace-nowrap">
                  {k.last_used_at ? new Date(k.last_used_at).toLocaleString() : "never"}
                </td>
                <td
                  className={`sticky right-0 py-2 pr-1 pl-2 text-right shadow-[-6px_0_6px_-6px_rgba(15,23,42,0.25)] ${revoked ? "bg-slate-50" : "bg-white"}`}
                >
                  {!revoked && (
                    <div className="flex flex-col items-stretch gap-1.5 sm:flex-row sm:justify-end">
                      <Button variant="secondary" aria-describedby={nameId} onClick={() => onEdit(k)}>
                        Edit
                      </Button>
                      <Button variant="danger" aria-describedby={nameId} disabled={busy} onClick={() => onRevoke(k)}>
                        Revoke
                      </Button>
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
