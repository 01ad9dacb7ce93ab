import "server-only";
import { headers } from "next/headers";
import { config } from "../../config";

/** Absolute base URL for links that leave the page (share links, Open Graph). */
export async function baseUrl(): Promise<string> {
  const fixed = config().baseUrl;
  if (fixed) return fixed;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
}
