"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, ApiClientError } from "@/components/api-client";
import { Button, Card, Field, Input } from "@/components/ui/primitives";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { createKeySchema } from "@/lib/keys/schemas";
import {
  createBodyOf,
  draftProblems,
  EMPTY_DRAFT,
  FENCE_PARAMS,
  LIMIT_PARAMS,
  withModelLines,
  type FenceDraft,
} from "./fence-draft";
import { KeyFenceFields } from "./key-fence-fields";
import { KEYS_QUERY, type CreateKeyBody, type CreatedKey } from "./key-types";
import { NewKeyNotice } from "./new-key-notice";

/** A name, and optionally every fence; the new key is shown once below. */
export function CreateKeyForm() {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<FenceDraft>(EMPTY_DRAFT);
  const [limitsOpen, setLimitsOpen] = useState(false);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const create = useMutation({
    mutationFn: (body: CreateKeyBody) => api<CreatedKey>("/api/keys", { body }),
    onSuccess: (key) => {
      setCreated(key);
      setDraft(EMPTY_DRAFT);
      setLimitsOpen(false);
      void queryClient.invalidateQueries({ queryKey: KEYS_QUERY });
    },
  });
  // What the browser's check (the API's own schema) or the server found, by field.
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const errors = formErrors(problems, FENCE_PARAMS);

  /** Shows the problems; one about a limit opens the limits, so it is seen next to its field. */
  function show(list: FieldError[]) {
    setProblems(list.length ? list : null);
    if (list.some((e) => e.param !== null && LIMIT_PARAMS.some((p) => e.param === p || e.param!.startsWith(`${p}.`))))
      setLimitsOpen(true);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = createBodyOf(draft);
    const check = validateFields(createKeySchema, body);
    const found = withModelLines([...(check.ok ? [] : check.errors), ...draftProblems(draft)], draft);
    show(found);
    if (found.length > 0) return;
    setCreated(null);
    // The draft as sent names the lines the server's errors point at.
    const sent = draft;
    create.mutate(body, {
      onError: (err) =>
        show(
          err instanceof ApiClientError ? withModelLines(err.errors, sent) : [{ param: null, message: err.message }],
        ),
    });
  }

  const change = (patch: Partial<FenceDraft>) => setDraft((d) => ({ ...d, ...patch }));

  return (
    <Card title={<span id="create-key-title">Create a key</span>}>
      <form onSubmit={submit} aria-labelledby="create-key-title" className="space-y-3" noValidate>
        <div className="flex flex-wrap items-start gap-3">
          <div className="min-w-48 flex-1">
            <Field label="Name" htmlFor="key-name" error={errors.of("name")}>
              <Input
                id="key-name"
                name="name"
                placeholder="e.g. laptop"
                required
                maxLength={100}
                value={draft.name}
                onChange={(e) => change({ name: e.target.value })}
                {...errors.aria("name", "key-name")}
              />
            </Field>
          </div>
          <Button type="submit" disabled={create.isPending} className="mt-6">
            {create.isPending ? "Creating…" : "Create key"}
          </Button>
        </div>
        <details
          open={limitsOpen}
          onToggle={(e) => setLimitsOpen(e.currentTarget.open)}
          className="rounded-md ring-1 ring-slate-200"
        >
          <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-700 select-none">
            Limits{" "}
            <span className="font-normal text-slate-500">
              (optional: spend, power levels, models, rate, expiry, routing)
            </span>
          </summary>
          <div className="border-t border-slate-100 p-3">
            <KeyFenceFields prefix="new-key" draft={draft} onChange={change} errors={errors} />
          </div>
        </details>
        <FormErrorSummary errors={errors} />
      </form>
      {created && <NewKeyNotice created={created} />}
    </Card>
  );
}
