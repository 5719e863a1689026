"use client";
import { usePathname } from "next/navigation";

/** The URL that matched nothing, so the reader can spot a typo (a not-found page gets no props). */
export function RequestedPath() {
  const path = usePathname();
  return (
    <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em] break-all text-slate-800">{path}</code>
  );
}
