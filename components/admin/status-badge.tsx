const tones: Record<string, string> = {
  ready: "bg-emerald-100 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  completed: "bg-emerald-100 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  active: "bg-emerald-100 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  running: "bg-brand-100 text-brand-700 dark:bg-brand-700/30 dark:text-brand-100",
  importing: "bg-brand-100 text-brand-700 dark:bg-brand-700/30 dark:text-brand-100",
  queued: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  paused: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  interrupted: "bg-orange-100 text-orange-800 dark:bg-orange-950 dark:text-orange-300",
  failed: "bg-red-100 text-red-700 dark:bg-red-950 dark:text-red-300",
  cancelled: "bg-zinc-200 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="status"
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${tones[status] ?? tones.paused}`}
    >
      {status}
    </span>
  );
}
