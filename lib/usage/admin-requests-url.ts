/**
 * The admin request log page (/admin/requests): its filters live in the URL, so a link shows the
 * same requests. Pure; runs in the browser.
 */
import { REQUEST_FILTER_KEYS, type RequestFilterKey, type RequestFilters } from "./admin-requests-query.ts";

/** The filters as the page names them, in the order the filter bar shows them. */
export const FILTER_LABEL: Record<RequestFilterKey, string> = {
  user: "User",
  key: "Key",
  provider: "Provider",
  model: "Model",
  power_level: "Power level",
  status: "Status",
  from: "From",
  to: "To",
};

/** The page's URL parameter for the request open in the panel (not a filter: it does not change the list). */
export const OPEN_PARAM = "request";

/** The filters a URL carries (blank ones left out). */
export function filtersFromParams(params: URLSearchParams): RequestFilters {
  const out: RequestFilters = {};
  for (const k of REQUEST_FILTER_KEYS) {
    const v = params.get(k)?.trim();
    if (v) out[k] = v;
  }
  return out;
}

/** The page's URL for these filters (and the open request), so a link shows the same thing. */
export function requestsHref(filters: RequestFilters, open: string | null = null): string {
  const params = new URLSearchParams();
  for (const k of REQUEST_FILTER_KEYS) if (filters[k]) params.set(k, filters[k]!);
  if (open) params.set(OPEN_PARAM, open);
  const qs = params.toString();
  return qs ? `/admin/requests?${qs}` : "/admin/requests";
}

/** "user alice@example.com, status error and from 2025-03-01": what an empty page says matched nothing. */
export function describeFilters(filters: RequestFilters): string {
  const parts = REQUEST_FILTER_KEYS.filter((k) => filters[k]).map(
    (k) => `${FILTER_LABEL[k].toLowerCase()} ${filters[k]}`,
  );
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
