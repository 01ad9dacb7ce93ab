import Link from "next/link";

export function Pager({
  path,
  params,
  page,
  hasMore,
}: {
  path: string;
  params: Record<string, string>;
  page: number;
  hasMore: boolean;
}) {
  const href = (p: number) => `${path}?${new URLSearchParams({ ...params, page: String(p) }).toString()}`;
  if (page === 1 && !hasMore) return null;
  const cls =
    "rounded-lg border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800";
  return (
    <nav aria-label="Pages" className="flex items-center justify-center gap-2">
      {page > 1 && (
        <Link className={cls} href={href(page - 1)} rel="prev">
          ← Newer
        </Link>
      )}
      <span className="text-sm text-zinc-500">Page {page}</span>
      {hasMore && (
        <Link className={cls} href={href(page + 1)} rel="next">
          Older →
        </Link>
      )}
    </nav>
  );
}
