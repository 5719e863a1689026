/** Marks connection strings of the embedded database (PGlite behind pglite-socket). */
export const EMBEDDED_APP_NAME = "switchyard-embedded";

export function isEmbeddedUrl(url: string): boolean {
  return url.includes(`application_name=${EMBEDDED_APP_NAME}`);
}
