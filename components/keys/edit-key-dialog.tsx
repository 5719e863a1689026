"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api, ApiClientError } from "@/components/api-client";
import { Button, Field, Input } from "@/components/ui/primitives";
import { Modal } from "@/components/ui/modal";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { updateKeySchema } from "@/lib/keys/schemas";
import { draftOf, draftProblems, FENCE_PARAMS, patchBodyOf, withModelLines, type FenceDraft } from "./fence-draft";
import { KeyFenceFields } from "./key-fence-fields";
import { KEYS_QUERY, type ApiKeyView, type UpdateKeyBody } from "./key-types";

/**
 * Changes a key's name and fences; sends only what changed, a cleared field as `null`. The key
 * keeps working with its old fences until the save succeeds. Render it only while editing.
 */
export function EditKeyDialog({
  keyView,
  onClose,
  onSaved,
}: {
  keyView: ApiKeyView;
  onClose: () => void;
  onSaved: (k: ApiKeyView) => void;
}) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<FenceDraft>(() => draftOf(keyView));
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const errors = formErrors(problems, FENCE_PARAMS);
  const aboutId = useId();
  const save = useMutation({
    mutationFn: (body: UpdateKeyBody) => api<ApiKeyView>(`/api/keys/${keyView.id}`, { method: "PATCH", body }),
    onSuccess: (saved) => {
      queryClient.setQueryData<{ data: ApiKeyView[] }>(
        KEYS_QUERY,
        (old) => old && { data: old.data.map((k) => (k.id === saved.id ? saved : k)) },
      );
      void queryClient.invalidateQueries({ queryKey: KEYS_QUERY });
      onSaved(saved);
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = patchBodyOf(keyView, draft);
    if (Object.keys(body).length === 0) {
      setProblems([{ param: null, message: "Nothing changed: edit a field, or close this dialog." }]);
      return;
    }
    const check = validateFields(updateKeySchema, body);
    const found = withModelLines([...(check.ok ? [] : check.errors), ...draftProblems(draft)], draft);
    setProblems(found.length ? found : null);
    if (found.length > 0) return;
    const sent = draft;
    save.mutate(body, {
      onError: (err) =>
        setProblems(
          err instanceof ApiClientError ? withModelLines(err.errors, sent) : [{ param: null, message: err.message }],
        ),
    });
  }

  const close = () => {
    if (!save.isPending) onClose();
  };

  return (
    <Modal title="Edit key" onClose={close} describedBy={aboutId}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        <p id={aboutId} className="text-sm wrap-anywhere text-slate-600">
          <strong className="font-medium text-slate-900">‘{keyView.name}’</strong>{" "}
          <span className="font-mono text-xs">({keyView.prefix}…)</span>. Changes apply to its next request; blank
          fields set no limit.
        </p>
        <Field label="Name" htmlFor="edit-key-name" error={errors.of("name")}>
          <Input
            id="edit-key-name"
            required
            maxLength={100}
            value={draft.name}
            onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
            {...errors.aria("name", "edit-key-name")}
          />
        </Field>
        <KeyFenceFields
          prefix="edit-key"
          draft={draft}
          onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
          errors={errors}
        />
        <FormErrorSummary errors={errors} />
        <div className="flex flex-wrap justify-end gap-2">
          <Button type="button" variant="secondary" onClick={close} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" disabled={save.isPending} aria-busy={save.isPending}>
            {save.isPending ? "Saving…" : "Save changes"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
