"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { EvalSummary } from "@/lib/eval";
import type { CheckpointView } from "@/lib/server";
import { CheckpointEval, PromoteForm } from "./checkpoint-actions";
import { LossChart } from "./loss-chart";
import { StatusBadge } from "./status-badge";

interface RunState {
  id: string;
  status: string;
  step: number;
  maxSteps: number | null;
  etaSec: number | null;
  error: string | null;
  requestedAction: string | null;
  queuePosition: number | null;
}
interface StepEvent {
  type: "step";
  step: number;
  epoch: number;
  losses: Record<string, number>;
  imagesPerSec: number;
  etaSec: number;
  elapsedSec: number;
}
// a type-only import: nothing of lib/server reaches the client bundle
type CheckpointFile = CheckpointView;
interface Files {
  sample: string | null;
  checkpoints: CheckpointFile[];
  evaluated: { step: number; metrics: EvalSummary }[];
}

const fmtDuration = (s: number) =>
  s >= 3600
    ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`
    : s >= 60
      ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
      : `${Math.round(s)} s`;

/** every loss the chart draws, in legend order: the first three on the main chart, the rest on the parts chart */
const COLORS: Record<string, string> = {
  d: "#7c3aed",
  g: "#0ea5e9",
  kl: "#f59e0b",
  dReal: "#10b981",
  dWrong: "#ef4444",
  dFake: "#a855f7",
  gAdv: "#06b6d4",
  recon: "#f43f5e",
  layout: "#14b8a6",
  content: "#f97316",
  anchor: "#8b5cf6",
  edge: "#ec4899",
  modeSeek: "#eab308",
};
const MAIN_LOSSES = ["d", "g", "kl"];

export function RunLive({ initial, promotedSteps }: { initial: RunState; promotedSteps: number[] }) {
  const router = useRouter();
  const [run, setRun] = useState<RunState>(initial);
  const [steps, setSteps] = useState<StepEvent[]>([]);
  const [files, setFiles] = useState<Files>({ sample: null, checkpoints: [], evaluated: [] });
  const [error, setError] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [backend, setBackend] = useState<string | null>(null);

  useEffect(() => {
    const es = new EventSource(`/api/admin/runs/${initial.id}/events`);
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.addEventListener("run", (e) => setRun(JSON.parse((e as MessageEvent).data)));
    es.addEventListener("files", (e) => setFiles(JSON.parse((e as MessageEvent).data)));
    es.addEventListener("progress", (e) => {
      const all = JSON.parse((e as MessageEvent).data) as { type: string; backend?: string }[];
      const session = all.filter((x) => x.type === "session").at(-1);
      if (session?.backend) setBackend(session.backend);
      const evs = all.filter((x): x is StepEvent => x.type === "step");
      // after a resume from an earlier checkpoint the log restarts there: replace what came after it
      if (evs.length) setSteps((prev) => [...prev.filter((s) => s.step < evs[0].step), ...evs]);
    });
    return () => es.close();
  }, [initial.id]);

  const last = steps.at(-1);
  const chart = useMemo(() => {
    const xs = steps.map((s) => s.step);
    const keys = (ks: string[]) =>
      ks
        .filter((k) => steps.some((s) => k in s.losses))
        .map((k) => ({
          label: k,
          color: COLORS[k] ?? "#71717a",
          values: steps.map((s) => s.losses[k] ?? null),
        }));
    return {
      xs,
      main: keys(MAIN_LOSSES),
      parts: keys(Object.keys(COLORS).filter((k) => !MAIN_LOSSES.includes(k))),
    };
  }, [steps]);
  const quality = useMemo(() => {
    const ev = files.evaluated;
    const split = (name: string) => ev.map((e) => e.metrics.splits[name]?.generated.rPrecision ?? null);
    const series = [
      {
        label: "val generated",
        color: "#7c3aed",
        values: split("val").map((v) => (v == null ? null : v * 100)),
      },
      {
        label: "test generated",
        color: "#0ea5e9",
        values: split("test").map((v) => (v == null ? null : v * 100)),
      },
      {
        label: "val real (ceiling)",
        color: "#10b981",
        values: ev.map((e) => (e.metrics.splits.val ? e.metrics.splits.val.real.rPrecision * 100 : null)),
      },
    ].filter((s) => s.values.some((v) => v != null));
    return { xs: ev.map((e) => e.step), series };
  }, [files.evaluated]);

  async function act(url: string, body: unknown) {
    setError(null);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const b = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!res.ok) setError(b.error?.message ?? `The server answered ${res.status}.`);
    router.refresh();
    return res.ok;
  }

  const done = run.maxSteps ? Math.min(100, (run.step / run.maxSteps) * 100) : 0;
  return (
    <div className="space-y-6">
      {error && <Alert testId="run-action-error">{error}</Alert>}
      <div className="space-y-3 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
        <div className="flex flex-wrap items-center gap-3">
          <StatusBadge status={run.status} />
          <span className="text-sm" data-testid="run-step">
            step {run.step.toLocaleString()} / {run.maxSteps?.toLocaleString()}
          </span>
          {last && <span className="text-sm text-zinc-500">epoch {last.epoch}</span>}
          {last && run.status === "running" && (
            <span className="text-sm text-zinc-500">{last.imagesPerSec.toFixed(1)} images/s</span>
          )}
          {run.status === "running" && run.etaSec != null && (
            <span className="text-sm text-zinc-500">ETA {fmtDuration(run.etaSec)}</span>
          )}
          {last && <span className="text-sm text-zinc-500">elapsed {fmtDuration(last.elapsedSec)}</span>}
          {backend && <span className="text-sm text-zinc-500">on {backend}</span>}
          {run.queuePosition && (
            <span className="text-sm text-amber-700">
              waiting: #{run.queuePosition} in line for the worker
            </span>
          )}
          {run.requestedAction && (
            <span className="text-sm text-zinc-500">{run.requestedAction} requested…</span>
          )}
          <span className={`ml-auto text-xs ${connected ? "text-emerald-600" : "text-zinc-400"}`}>
            {connected ? "● live" : "○ connecting"}
          </span>
        </div>
        <div
          className="h-3 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
          role="progressbar"
          aria-valuenow={Math.round(done)}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-label="Training progress"
        >
          <div
            className="h-full bg-brand-600 transition-[width] duration-500"
            style={{ width: `${done}%` }}
          />
        </div>
        {run.error && (
          <p
            data-testid="run-message"
            className={`text-sm ${run.status === "failed" ? "text-red-600 dark:text-red-400" : "text-amber-700 dark:text-amber-400"}`}
          >
            {run.error}
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          {(run.status === "running" || run.status === "queued") && (
            <Button
              variant="secondary"
              onClick={() => act(`/api/admin/runs/${run.id}/control`, { action: "pause" })}
            >
              Pause
            </Button>
          )}
          {["paused", "interrupted", "failed"].includes(run.status) && (
            <Button onClick={() => act(`/api/admin/runs/${run.id}/control`, { action: "resume" })}>
              Resume
            </Button>
          )}
          {!["completed", "cancelled"].includes(run.status) && (
            <Button
              variant="ghost"
              onClick={() => act(`/api/admin/runs/${run.id}/control`, { action: "cancel" })}
            >
              Cancel
            </Button>
          )}
        </div>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <section className="space-y-2">
          <h3 className="font-semibold">Losses</h3>
          {steps.length ? (
            <>
              <LossChart title="losses" steps={chart.xs} series={chart.main} />
              {chart.parts.length > 0 && <LossChart title="parts" steps={chart.xs} series={chart.parts} />}
            </>
          ) : (
            <p className="text-sm text-zinc-500">The first losses appear after a few steps.</p>
          )}
        </section>
        <section className="space-y-2">
          <h3 className="font-semibold">Latest samples (fixed seeds and captions)</h3>
          {files.sample ? (
            // biome-ignore lint/performance/noImgElement: a generated sample grid
            <img
              src={`/api/admin/runs/${run.id}/files?path=${encodeURIComponent(files.sample)}`}
              alt={`Sample grid at ${files.sample}`}
              className="w-full rounded-xl border border-zinc-200 bg-white dark:border-zinc-800"
              data-testid="sample-grid"
            />
          ) : (
            <p className="text-sm text-zinc-500">No sample grid yet.</p>
          )}
        </section>
      </div>

      {quality.xs.length > 0 && (
        <section className="space-y-2">
          <h3 className="font-semibold">Quality over steps (R-precision, %)</h3>
          <LossChart title="r-precision" steps={quality.xs} series={quality.series} />
        </section>
      )}

      <section className="space-y-2">
        <h3 className="font-semibold">Checkpoints</h3>
        {files.checkpoints.length === 0 ? (
          <p className="text-sm text-zinc-500">None yet.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 rounded-xl border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {files.checkpoints.map((c) => (
              <li
                key={c.step}
                className="flex flex-wrap items-center gap-3 px-4 py-2"
                data-testid="checkpoint-row"
                data-step={c.step}
              >
                <span className="font-mono text-sm">step {c.step}</span>
                <span className="text-xs text-zinc-500">{(c.bytes / 1e6).toFixed(1)} MB</span>
                <CheckpointEval runId={run.id} c={c} act={act} />
                {c.sample && (
                  <a
                    className="text-xs text-brand-600 hover:underline"
                    href={`/api/admin/runs/${run.id}/files?path=${encodeURIComponent(c.sample)}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    samples
                  </a>
                )}
                {promotedSteps.includes(c.step) ? (
                  <span className="ml-auto text-xs text-emerald-600">promoted</span>
                ) : (
                  <PromoteForm
                    runId={run.id}
                    step={c.step}
                    onDone={(ok) => ok && router.refresh()}
                    act={act}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
