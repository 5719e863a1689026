"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { api } from "@/components/api-client";
import { Alert, Button, Card } from "@/components/ui/primitives";
import { useModels, useProviders } from "@/components/admin/providers/catalog-queries";
import { count, utcMoment } from "@/components/finance/format";
import { TableScroll } from "@/components/finance/table-parts";
import { formatUsdAmount } from "@/lib/money/units";
import { validateFields } from "@/lib/http/zod-messages";
import {
  adminRequestsQuerySchema,
  REQUEST_FILTER_KEYS,
  type AdminRequestPage,
  type AdminRequestRow,
  type RequestFilterKey,
  type RequestFilters,
} from "@/lib/usage/admin-requests-query";
import { describeFilters, filtersFromParams, OPEN_PARAM, requestsHref } from "@/lib/usage/admin-requests-url";
import { RequestFilterBar } from "./request-filter-bar";
import { RequestDetail } from "./request-detail";
import { StatusBadge } from "./status-badge";

const PAGE_SIZE = 50;

/** Moves the page to these filters (and open request): both live in the URL, so a link shares them. */
function go(filters: RequestFilters, open: string | null, how: "push" | "replace" = "push") {
  window.history[how === "push" ? "pushState" : "replaceState"](null, "", requestsHref(filters, open));
}

const ms = (v: number | null) => (v === null ? "—" : count(v));

/**
 * /admin/requests: every gateway request, newest first, 50 at a time ("Load more" follows the
 * server's cursor). Filters and the request open in the panel are in the URL.
 */
export function RequestsLog() {
  const params = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  // The filter bar starts afresh from the URL when the filters change (back, a link), not when a request opens.
  const filterKey = REQUEST_FILTER_KEYS.map((k) => filters[k] ?? "").join("\u0000");
  const open = params.get(OPEN_PARAM);
  // The same schema as the route: a malformed shared link says what is wrong instead of asking.
  const checked = useMemo(() => validateFields(adminRequestsQuerySchema, filters), [filters]);
  const problems = checked.ok ? [] : checked.errors;

  const providers = useProviders();
  const models = useModels();
  const requests = useInfiniteQuery({
    queryKey: ["admin-requests", filters],
    queryFn: ({ pageParam }) =>
      api<AdminRequestPage>(
        `/api/admin/requests?${new URLSearchParams({ ...filters, limit: String(PAGE_SIZE), ...(pageParam ? { cursor: pageParam } : {}) })}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled: checked.ok,
  });
  const rows = useMemo(() => requests.data?.pages.flatMap((p) => p.data) ?? [], [requests.data]);
  const narrow = (key: RequestFilterKey, value: string) => go({ ...filters, [key]: value }, null);
  const matched = describeFilters(filters);

  return (
    <div className="space-y-6">
      <Card>
        <RequestFilterBar
          key={filterKey}
          filters={filters}
          onApply={(next) => go(next, null)}
          providers={providers.data?.map((p) => p.slug) ?? []}
          models={models.data?.map((m) => m.model_id) ?? []}
        />
      </Card>

      {problems.length > 0 && <Alert>{problems.map((p) => p.message).join(" ")}</Alert>}

      <Card title="Requests, newest first">
        {!checked.ok ? (
          <p className="text-sm text-slate-600">Correct the filters above to see requests.</p>
        ) : requests.isPending ? (
          <p className="text-sm text-slate-500">Loading requests…</p>
        ) : requests.error && !requests.data ? (
          <Alert>{requests.error.message}</Alert>
        ) : rows.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="requests-empty">
            {matched
              ? `No request matches ${matched}.`
              : "No gateway request has been recorded yet (or every one is older than the usage retention period)."}
          </p>
        ) : (
          <div className="space-y-3">
            <TableScroll>
              <table
                className="w-full min-w-[64rem] text-left text-sm"
                aria-label="Requests"
                aria-busy={requests.isFetching}
              >
                <thead className="text-xs text-slate-500 uppercase">
                  <tr>
                    <th className="py-2 pr-3">When (UTC)</th>
                    <th className="pr-3">User</th>
                    <th className="pr-3">Key</th>
                    <th className="pr-3">Model</th>
                    <th className="pr-3">Level</th>
                    <th className="pr-3">Status</th>
                    <th className="pr-3 text-right">Latency ms</th>
                    <th className="pr-3 text-right">TTFT ms</th>
                    <th className="pr-3 text-right">Tokens in / out</th>
                    <th className="text-right">Charged</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.map((r) => (
                    <RequestRow key={r.id} r={r} filters={filters} onOpen={() => go(filters, r.id)} onNarrow={narrow} />
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <div className="flex items-center justify-between gap-3 text-sm">
              <span className="text-slate-500">
                {count(rows.length)} {rows.length === 1 ? "request" : "requests"} shown
                {requests.hasNextPage ? "" : ": that is all"}
              </span>
              {requests.hasNextPage && (
                <Button
                  variant="secondary"
                  disabled={requests.isFetchingNextPage}
                  onClick={() => void requests.fetchNextPage()}
                >
                  {requests.isFetchingNextPage ? "Loading…" : "Load more"}
                </Button>
              )}
            </div>
            {requests.error && <Alert>{requests.error.message}</Alert>}
          </div>
        )}
      </Card>

      {open && <RequestDetail id={open} onClose={() => go(filters, null, "replace")} />}
    </div>
  );
}

/** A cell value that narrows the log to it (a request's user, key, model or status). */
function Narrow({
  label,
  what,
  onClick,
  className = "",
}: {
  label: string;
  what: string;
  onClick: () => void;
  className?: string;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      title={`Only requests of ${what}`}
      aria-label={`Only requests of ${what}`}
      className={`block max-w-[14rem] truncate rounded text-left text-indigo-700 underline decoration-indigo-200 underline-offset-2 hover:decoration-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${className}`}
    >
      {label}
    </button>
  );
}

function RequestRow({
  r,
  filters,
  onOpen,
  onNarrow,
}: {
  r: AdminRequestRow;
  filters: RequestFilters;
  onOpen: () => void;
  onNarrow: (key: RequestFilterKey, value: string) => void;
}) {
  const user = r.user_email ?? r.user_id;
  return (
    <tr data-testid="request-row">
      <td className="py-1.5 pr-3 whitespace-nowrap">
        <button
          type="button"
          onClick={onOpen}
          aria-label={`Open request ${r.id}`}
          title={`Request ${r.id}: open its receipt and attempts`}
          className="rounded font-medium text-indigo-700 underline decoration-indigo-200 underline-offset-2 hover:decoration-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        >
          <time dateTime={r.created_at}>{utcMoment(r.created_at).replace(/ UTC$/, "")}</time>
        </button>
      </td>
      <td className="pr-3">
        {filters.user ? (
          <span className="block max-w-[14rem] truncate" title={user}>
            {user}
          </span>
        ) : (
          <Narrow label={user} what={`user ${user}`} onClick={() => onNarrow("user", r.user_email ?? r.user_id)} />
        )}
      </td>
      <td className="pr-3 font-mono text-xs">
        {!r.api_key_id ? (
          <span className="font-sans text-slate-400" title="Signed-in session (the chat playground)">
            session
          </span>
        ) : filters.key ? (
          <span title={r.key_name ?? undefined}>{r.key_prefix ?? "deleted key"}</span>
        ) : (
          <Narrow
            label={r.key_prefix ?? "deleted key"}
            what={`key ${r.key_prefix ?? r.api_key_id}${r.key_name ? ` (${r.key_name})` : ""}`}
            onClick={() => onNarrow("key", r.api_key_id!)}
          />
        )}
      </td>
      <td className="pr-3" data-testid="request-model">
        {!r.model ? (
          <span className="text-slate-400">not served</span>
        ) : filters.model ? (
          <span className="block max-w-[18rem] truncate" title={r.model}>
            {r.model}
          </span>
        ) : (
          <Narrow
            label={r.model}
            what={`model ${r.model}`}
            onClick={() => onNarrow("model", r.model!)}
            className="sm:max-w-[18rem]"
          />
        )}
        {r.provider && !(r.model ?? "").startsWith(`${r.provider}/`) && (
          <span className="block text-xs text-slate-500">{r.provider}</span>
        )}
      </td>
      <td className="pr-3">{r.power_level ?? "—"}</td>
      <td className="pr-3 whitespace-nowrap">
        {filters.status ? (
          <StatusBadge status={r.status} />
        ) : (
          <button
            type="button"
            onClick={() => onNarrow("status", r.status)}
            aria-label={`Only ${r.status} requests`}
            title={`Only ${r.status} requests`}
            className="rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          >
            <StatusBadge status={r.status} />
          </button>
        )}
        {r.fallback_count > 0 && (
          <span className="ml-1 text-xs text-amber-700" title="Providers that failed before one answered">
            ↻{r.fallback_count}
          </span>
        )}
        {r.byok && (
          <span className="ml-1 text-xs font-medium text-indigo-700" title="Served with the user's own provider key">
            BYOK
          </span>
        )}
      </td>
      <td className="pr-3 text-right whitespace-nowrap tabular-nums">{ms(r.latency_ms)}</td>
      <td className="pr-3 text-right whitespace-nowrap tabular-nums">{ms(r.ttft_ms)}</td>
      <td className="pr-3 text-right whitespace-nowrap tabular-nums">
        {count(r.prompt_tokens)} / {count(r.completion_tokens)}
      </td>
      <td className="text-right whitespace-nowrap tabular-nums" data-testid="request-charged">
        {formatUsdAmount(r.charged_usd)}
      </td>
    </tr>
  );
}
