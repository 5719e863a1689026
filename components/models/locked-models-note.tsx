"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { lockedByKey, type KeyProvider } from "@/lib/catalog/model-table";

const MAX_NAMED = 4;

/**
 * The catalog lists only models the user can call now; this says how many more a key of their
 * own would unlock, and where to add one. Under ["models"] so adding or removing a key refreshes it.
 */
export function LockedModelsNote() {
  const providers = useQuery({
    queryKey: ["models", "key-providers"],
    queryFn: () => api<{ data: KeyProvider[] }>("/api/byok/providers"),
  });
  if (!providers.data) return null;
  const locked = lockedByKey(providers.data.data);
  if (locked.models === 0) return null;
  const names = locked.providers.map((p) => p.name);
  const named =
    names.length > MAX_NAMED
      ? `${names.slice(0, MAX_NAMED).join(", ")} and ${names.length - MAX_NAMED} more`
      : names.join(", ");
  return (
    <p data-testid="locked-models" className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-sky-200">
      {locked.models} {locked.models === 1 ? "model needs" : "models need"} a provider key: add your own on the{" "}
      <Link href="/keys" className="font-medium underline">
        Keys page
      </Link>{" "}
      to use {locked.models === 1 ? "it" : "them"}
      <span className="break-words"> ({named})</span>. Requests on your own key cost no credits.
    </p>
  );
}
