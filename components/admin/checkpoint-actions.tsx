"use client";

import { useState } from "react";
import type { EvalSummary } from "@/lib/eval";
import { truncationLabel } from "@/lib/generate-events";
import type { CheckpointView } from "@/lib/server";
import { jointText } from "./metrics-line";

/** Per-checkpoint controls of the live run view: its evaluation figures and (re)evaluate, and promotion. */

const pct = (x: number | null | undefined) => (x == null ? "—" : `${(x * 100).toFixed(1)}%`);
/** the split the console leads with: val (classes seen in training) when there is one */
const mainSplit = (m: EvalSummary) => m.splits.val ?? Object.values(m.splits)[0];

export function PromoteForm({
  runId,
  step,
  act,
  onDone,
}: {
  runId: string;
  step: number;
  act: (u: string, b: unknown) => Promise<boolean>;
  onDone: (ok: boolean) => void;
}) {
  const [name, setName] = useState(`v-${runId.slice(0, 4)}-${step}`);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="ml-auto flex items-center gap-2"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const ok = await act(`/api/admin/runs/${runId}/promote`, { step, name });
        setBusy(false);
        onDone(ok);
      }}
    >
      <label className="sr-only" htmlFor={`promote-${step}`}>
        Model version name for step {step}
      </label>
      <input
        id={`promote-${step}`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        className="w-40 rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900"
      />
      <button
        type="submit"
        disabled={busy}
        className="rounded-md bg-brand-600 px-2 py-1 text-xs font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {busy ? "Promoting…" : "Promote"}
      </button>
    </form>
  );
}

export function CheckpointEval({
  runId,
  c,
  act,
}: {
  runId: string;
  c: CheckpointView;
  act: (u: string, b: unknown) => Promise<boolean>;
}) {
  const [busy, setBusy] = useState(false);
  if (c.evalStatus === "queued" || c.evalStatus === "running")
    return (
      <span className="text-xs text-zinc-500" data-testid="checkpoint-eval-busy">
        {c.evalStatus === "queued" ? "evaluation waiting for the worker…" : "evaluating…"}
      </span>
    );
  const m = c.metrics && c.evalStatus === "done" ? mainSplit(c.metrics) : null;
  const name = c.metrics ? (Object.entries(c.metrics.splits).find(([, v]) => v === m)?.[0] ?? "") : "";
  return (
    <span className="flex flex-wrap items-center gap-2 text-xs">
      {m && c.metrics && (
        <span
          data-testid="checkpoint-metrics"
          title={`eval nets ${c.metrics.evalNets}, ${m.items} captions, ${truncationLabel(c.metrics.truncation)}, ${c.metrics.seconds} s`}
          className="rounded-md bg-zinc-100 px-2 py-0.5 font-mono dark:bg-zinc-800"
        >
          {name} R-precision {pct(m.generated.rPrecision)} (real {pct(m.real.rPrecision)}, chance{" "}
          {pct(m.chance)})
          {m.generated.rPrecisionNear != null &&
            ` · near classes ${pct(m.generated.rPrecisionNear)} (real ${m.real.rPrecisionNear != null ? pct(m.real.rPrecisionNear) : "—"})`}{" "}
          · Fréchet {m.generated.frechet?.toFixed(0) ?? "—"} (real {m.real.frechet?.toFixed(0) ?? "—"}) ·
          IS-like {m.generated.inceptionLike?.toFixed(1) ?? "—"}
          {m.generated.jointFrechet != null && ` · ${jointText(m)}`}
          {m.generated.seedDiversity != null && ` · seed diversity ${m.generated.seedDiversity.toFixed(2)}`}
        </span>
      )}
      {c.evalStatus === "failed" && (
        <span className="text-red-600 dark:text-red-400" data-testid="checkpoint-eval-error">
          evaluation failed: {c.evalError}
        </span>
      )}
      <button
        type="button"
        disabled={busy}
        className="text-brand-600 hover:underline disabled:opacity-60"
        onClick={async () => {
          setBusy(true);
          await act(`/api/admin/runs/${runId}/evaluate`, { step: c.step });
          setBusy(false);
        }}
      >
        {m ? "re-evaluate" : "evaluate"}
      </button>
    </span>
  );
}
