import { z } from "zod";

/** Query string of gallery listings (API and pages share it). */
export const imageListQuerySchema = z.object({
  q: z.string().trim().max(200, { error: "search text must be at most 200 characters" }).optional(),
  model: z.string().trim().max(100).optional(),
  from: z.iso.date({ error: "from must be a date like 2026-01-31" }).optional(),
  to: z.iso.date({ error: "to must be a date like 2026-01-31" }).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  history: z.enum(["1", "0"]).optional(),
});
export type ImageListQuery = z.infer<typeof imageListQuerySchema>;

export const PAGE_SIZE = 24;

export function toImageQuery(scope: "mine" | "public", q: ImageListQuery) {
  return {
    scope,
    saved: q.history !== "1",
    q: q.q || undefined,
    modelVersion: q.model || undefined,
    from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
    to: q.to ? new Date(`${q.to}T23:59:59.999Z`) : undefined,
    limit: PAGE_SIZE,
    offset: (q.page - 1) * PAGE_SIZE,
  };
}

/** URLSearchParams / Next searchParams → plain object of first values */
export function firstValues(sp: URLSearchParams | Record<string, string | string[] | undefined>) {
  if (sp instanceof URLSearchParams) return Object.fromEntries(sp.entries());
  return Object.fromEntries(
    Object.entries(sp)
      .filter(([, v]) => v !== undefined && v !== "")
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  );
}
