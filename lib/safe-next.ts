/** Only same-site relative paths are allowed as a post-sign-in destination (no open redirects). */
export function safeNext(next: string | string[] | undefined, fallback = "/"): string {
  const v = Array.isArray(next) ? next[0] : next;
  if (!v?.startsWith("/") || v.startsWith("//") || v.startsWith("/\\")) return fallback;
  return v;
}
