/** Search and filters as a plain GET form: works without JavaScript, bookmarkable, back-button friendly. */
export function GalleryFilters({
  action,
  values,
  models,
  extra,
}: {
  action: string;
  values: { q?: string; model?: string; from?: string; to?: string };
  models: string[];
  extra?: Record<string, string>;
}) {
  const input =
    "rounded-lg border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";
  return (
    <search>
      <form action={action} method="get" className="flex flex-wrap items-end gap-2">
        {Object.entries(extra ?? {}).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <div className="flex min-w-48 flex-1 flex-col gap-1">
          <label htmlFor="q" className="text-xs font-medium text-zinc-500">
            Search prompts
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={values.q}
            placeholder="red heart"
            className={input}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="model" className="text-xs font-medium text-zinc-500">
            Model version
          </label>
          <select id="model" name="model" defaultValue={values.model ?? ""} className={input}>
            <option value="">All</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="from" className="text-xs font-medium text-zinc-500">
            From
          </label>
          <input id="from" name="from" type="date" defaultValue={values.from} className={input} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="to" className="text-xs font-medium text-zinc-500">
            To
          </label>
          <input id="to" name="to" type="date" defaultValue={values.to} className={input} />
        </div>
        <button
          type="submit"
          className="rounded-lg bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
        >
          Search
        </button>
      </form>
    </search>
  );
}
