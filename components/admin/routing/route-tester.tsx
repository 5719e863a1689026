"use client";
import { useIsMutating, useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api-client";
import { Alert, Badge, Button, Card, Field, Select } from "@/components/ui/primitives";
import type { routeView } from "@/lib/gateway/route-view";
import { formatUsdAmount } from "@/lib/money/units";
import { POWER_LEVELS, TASK_TYPES } from "@/lib/router/types";
import { RULE_SAVE_KEY, type RuleView } from "./rule-types";

/** POST /api/v1/route's answer. */
type RouteResult = ReturnType<typeof routeView>;
type TestBody = {
  model: string;
  messages: { role: "user"; content: string }[];
  power_level?: string;
  task_type?: string;
  privacy_required: boolean;
};

/** Asks POST /api/v1/route (no provider is called, nothing is charged) what a request would get. */
export function RouteTester({ rules }: { rules: RuleView[] }) {
  const [message, setMessage] = useState("");
  const [powerLevel, setPowerLevel] = useState("");
  const [taskType, setTaskType] = useState("");
  const [privacy, setPrivacy] = useState(false);
  const route = useMutation({ mutationFn: (body: TestBody) => api<RouteResult>("/api/v1/route", { body }) });
  // A rule switched off a moment ago shows as inactive before its save lands: test once it has.
  const saving = useIsMutating({ mutationKey: RULE_SAVE_KEY }) > 0;
  const ruleName = (id: string) => rules.find((r) => r.id === id)?.name ?? `${id} (deleted rule)`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    route.mutate({
      model: "auto",
      messages: [{ role: "user", content: message }],
      ...(powerLevel ? { power_level: powerLevel } : {}),
      ...(taskType ? { task_type: taskType } : {}),
      privacy_required: privacy,
    });
  }

  const r = route.data;
  const applied = r?.applied_rules ?? [];
  return (
    <Card title="Test a request">
      <form onSubmit={submit} className="space-y-3">
        <Field
          label="Message"
          htmlFor="test-message"
          hint="Routed as you, with your credits and keys; no provider is called."
        >
          <textarea
            id="test-message"
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            required
            rows={4}
            className="block w-full rounded-md border-0 px-3 py-2 font-mono text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-500 focus:outline-none"
          />
        </Field>
        <div className="flex flex-wrap items-end gap-3">
          <Field label="Power level" htmlFor="test-power">
            <Select id="test-power" value={powerLevel} onChange={(e) => setPowerLevel(e.target.value)}>
              <option value="">My default</option>
              {POWER_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Task type" htmlFor="test-task">
            <Select id="test-task" value={taskType} onChange={(e) => setTaskType(e.target.value)}>
              <option value="">Infer from the message</option>
              {TASK_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </Select>
          </Field>
          <label className="flex items-center gap-2 pb-2 text-sm text-slate-700">
            <input type="checkbox" checked={privacy} onChange={(e) => setPrivacy(e.target.checked)} /> Privacy required
          </label>
          <Button type="submit" disabled={route.isPending || saving || !message.trim()}>
            {route.isPending ? "Routing…" : saving ? "Saving rules…" : "Test route"}
          </Button>
        </div>
      </form>

      {route.error && (
        <div className="mt-4">
          <Alert>Not routable: {route.error.message}</Alert>
        </div>
      )}
      {r && !route.isPending && !route.error && (
        <section aria-label="Route result" className="mt-4 space-y-3 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
            <dt className="text-slate-500">Picked</dt>
            <dd className="min-w-0" data-testid="route-pick">
              <span className="font-mono font-semibold break-all text-slate-900">{r.primary.model}</span>{" "}
              <Badge tone="indigo">{r.primary.power_level}</Badge>
              {r.primary.byok && (
                <>
                  {" "}
                  <Badge>your key</Badge>
                </>
              )}
            </dd>
            <dt className="text-slate-500">Estimated cost</dt>
            <dd>
              {formatUsdAmount(r.primary.estimated_cost_usd)}
              {r.estimated_prompt_tokens !== undefined && (
                <span className="text-slate-500"> · ~{r.estimated_prompt_tokens} prompt tokens</span>
              )}
            </dd>
            <dt className="text-slate-500">Reason</dt>
            <dd className="break-words" data-testid="route-reason">
              {r.reason}
            </dd>
            {r.task_type && (
              <>
                <dt className="text-slate-500">Task</dt>
                <dd>
                  {r.task_type}
                  {r.task_type_inferred ? " (inferred)" : ""}
                </dd>
              </>
            )}
            {r.power_level && (
              <>
                <dt className="text-slate-500">Level used</dt>
                <dd>
                  {r.power_level}
                  {r.requested_power_level && r.requested_power_level !== r.power_level
                    ? ` (asked ${r.requested_power_level})`
                    : ""}
                </dd>
              </>
            )}
            <dt className="text-slate-500">Applied rules</dt>
            <dd>
              {applied.length === 0 ? (
                <span className="text-slate-500">none</span>
              ) : (
                <ul aria-label="Applied rules" className="flex flex-wrap gap-1.5">
                  {applied.map((id) => (
                    <li
                      key={id}
                      className="rounded-full bg-violet-50 px-2 py-0.5 text-xs font-medium wrap-anywhere text-violet-800 ring-1 ring-violet-200"
                    >
                      {ruleName(id)}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt className="text-slate-500">Fallbacks</dt>
            <dd className="min-w-0">
              {r.fallbacks.length === 0 ? (
                <span className="text-slate-500">none</span>
              ) : (
                <ol aria-label="Fallbacks" className="list-decimal space-y-0.5 pl-5 font-mono text-xs leading-5">
                  {r.fallbacks.map((f) => (
                    <li key={f.model} className="break-all">
                      {f.model}
                    </li>
                  ))}
                </ol>
              )}
            </dd>
          </dl>
          {r.excluded.length > 0 && (
            <details className="text-sm">
              <summary className="cursor-pointer text-slate-600">
                {r.excluded.length} model{r.excluded.length === 1 ? "" : "s"} excluded
              </summary>
              <ul className="mt-2 space-y-1 text-xs">
                {r.excluded.map((e) => (
                  <li key={e.model} className="wrap-anywhere">
                    <span className="font-mono">{e.model}</span>: <span className="text-slate-600">{e.reason}</span>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      )}
    </Card>
  );
}
