import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The app's API routes as Next derives them from the app/api tree, for the harness (which serves
// them) and for tests that must cover every route (fuzz, authorization matrix, bad paths on the
// real server). No imports of app code here, so Playwright specs can use it too.

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type ApiRoute = {
  /** The path as written in the tree (route groups left out), e.g. `/api/keys/[id]`. */
  template: string;
  /** Repository-relative file, e.g. `app/api/keys/[id]/route.ts`. */
  file: string;
  pattern: RegExp;
  params: { name: string; catchAll: boolean }[];
};

const appDir = fileURLToPath(new URL("../../app/", import.meta.url));

function segmentRank(segment: string): number {
  if (segment.startsWith("[[...")) return 3;
  if (segment.startsWith("[...")) return 2;
  if (segment.startsWith("[")) return 1;
  return 0;
}

function toRoute(file: string): ApiRoute {
  const dir = path.posix.dirname(file).slice("app".length);
  const params: ApiRoute["params"] = [];
  // A route group, (name), adds no path segment.
  const segments = dir.split("/").filter((s) => s && !/^\(.+\)$/.test(s));
  let source = "";
  for (const segment of segments) {
    const optional = /^\[\[\.\.\.(\w+)\]\]$/.exec(segment);
    const catchAll = /^\[\.\.\.(\w+)\]$/.exec(segment);
    const dynamic = /^\[(\w+)\]$/.exec(segment);
    if (optional) {
      params.push({ name: optional[1]!, catchAll: true });
      source += `(?:/(?<${optional[1]}>.+))?`;
    } else if (catchAll) {
      params.push({ name: catchAll[1]!, catchAll: true });
      source += `/(?<${catchAll[1]}>.+)`;
    } else if (dynamic) {
      params.push({ name: dynamic[1]!, catchAll: false });
      source += `/(?<${dynamic[1]}>[^/]+)`;
    } else {
      source += `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
    }
  }
  return { template: `/${segments.join("/")}`, file, pattern: new RegExp(`^${source}$`), params };
}

function routeFiles(dir: string, rel: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return routeFiles(path.join(dir, e.name), `${rel}/${e.name}`);
    return e.name === "route.ts" ? [`${rel}/${e.name}`] : [];
  });
}

let routes: ApiRoute[] | undefined;

/** Every route under app/api, most specific first (the order a request is matched in). */
export function apiRoutes(): ApiRoute[] {
  routes ??= routeFiles(path.join(appDir, "api"), "app/api")
    .map(toRoute)
    .sort((a, b) => {
      const as = a.template.split("/"),
        bs = b.template.split("/");
      for (let i = 0; i < Math.min(as.length, bs.length); i++) {
        const d = segmentRank(as[i]!) - segmentRank(bs[i]!);
        if (d !== 0) return d;
      }
      return bs.length - as.length || a.template.localeCompare(b.template);
    });
  return routes;
}

/** A route's path with each [param] (also [...catchAll], [[...optional]]) replaced by `value(name)`. */
export function fillTemplate(template: string, value: (name: string) => string): string {
  return template.replace(/\[\[?(?:\.\.\.)?(\w+)\]\]?/g, (_, name: string) => value(name));
}
