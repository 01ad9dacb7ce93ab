"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { EvalNetsInfo } from "@/lib/server";

/** the server's view of a dataset's eval nets (a type-only import: nothing of lib/server reaches the client) */
export type EvalNetsPanelInfo = EvalNetsInfo;

/** A dataset's evaluation networks: what they can tell apart, and a button that (re)trains them in the worker. */
export function EvalNetsPanel({ datasetId, info }: { datasetId: string; info: EvalNetsPanelInfo }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const working = info.status === "queued" || info.status === "training";
  const pct = info.progress
    ? Math.min(100, (info.progress.step / Math.max(1, info.progress.total)) * 100)
    : 0;

  async function train() {
    setBusy(true);
    setError(null);
    const res = await fetch(`/api/admin/datasets/${datasetId}/eval-nets`, { method: "POST" });
    const b = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!res.ok) setError(b.error?.message ?? `The server answered ${res.status}.`);
    setBusy(false);
    router.refresh();
  }

  return (
    <section
      className="space-y-2 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800"
      data-testid="eval-nets"
    >
      <div className="flex flex-wrap items-center gap-3">
        <h3 className="font-semibold">Evaluation networks</h3>
        <span className="text-sm text-zinc-500" data-testid="eval-nets-status">
          {info.status === "ready" &&
            `ready (${info.version}, trained in ${Math.round(info.trainSeconds ?? 0)} s)`}
          {info.status === "none" && "none yet"}
          {info.status === "queued" && "waiting for the worker…"}
          {info.status === "training" && "training…"}
          {info.status === "failed" && "training failed"}
        </span>
        <span className="ml-auto">
          {!working && (
            <Button
              variant={info.status === "ready" ? "secondary" : "primary"}
              onClick={train}
              disabled={busy}
            >
              {info.status === "ready" ? "Retrain" : "Train evaluation networks"}
            </Button>
          )}
        </span>
      </div>
      <p className="text-sm text-zinc-500">
        Ganvas scores checkpoints with an image encoder and a caption matcher trained on this dataset (as
        AttnGAN's DAMSM): R-precision, a Fréchet distance on the encoder's features and an Inception-like
        score, each beside the figure real images get. With them, every new checkpoint is evaluated as it is
        made.
      </p>
      {info.status === "training" && (
        <div
          className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
          role="progressbar"
          aria-label="Evaluation network training"
          aria-valuenow={Math.round(pct)}
          aria-valuemin={0}
          aria-valuemax={100}
        >
          <div className="h-full bg-brand-600 transition-[width] duration-500" style={{ width: `${pct}%` }} />
        </div>
      )}
      {info.real && info.status === "ready" && (
        <p className="text-sm" data-testid="eval-nets-ceiling">
          Real images match their own caption among 100 with R-precision{" "}
          {Object.entries(info.real)
            .map(
              ([s, r]) =>
                `${(r.rPrecision * 100).toFixed(1)}% on ${s} (chance ${(r.chance * 100).toFixed(0)}%)`,
            )
            .join(", ")}
          : the ceiling generated images are measured against.
        </p>
      )}
      {info.error && <Alert testId="eval-nets-error">{info.error}</Alert>}
      {error && <Alert testId="eval-nets-request-error">{error}</Alert>}
    </section>
  );
}
