"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

interface Props {
  datasets: { id: string; name: string }[];
  presets: { name: string; stage: number; batchSize: number; lr: number }[];
  stage1Runs: { id: string; label: string }[];
  defaultDataset?: string;
  /** GANVAS_EVAL_ON_CHECKPOINT */
  evalDefault?: boolean;
}

export function NewRunForm({ datasets, presets, stage1Runs, defaultDataset, evalDefault = true }: Props) {
  const router = useRouter();
  const [preset, setPreset] = useState(presets.find((p) => p.name === "stage1-64")?.name ?? presets[0]?.name);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const p = presets.find((x) => x.name === preset);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (k: string) => (f.get(k) ? Number(f.get(k)) : undefined);
    setBusy(true);
    setError(null);
    const res = await fetch("/api/admin/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        datasetId: f.get("datasetId"),
        preset,
        parentRunId: p?.stage === 2 ? f.get("parentRunId") || undefined : undefined,
        maxSteps: num("maxSteps"),
        maxMinutes: num("maxMinutes"),
        batchSize: num("batchSize"),
        lr: num("lr"),
        checkpointEvery: num("checkpointEvery"),
        evalOnCheckpoint: f.get("evalOnCheckpoint") === "on",
        diffAugment: f.get("diffAugment") === "on",
        modeSeek: f.get("modeSeek") === "on",
      }),
    });
    setBusy(false);
    const body = (await res.json().catch(() => ({}))) as {
      run?: { id: string };
      error?: { message?: string };
    };
    if (!res.ok || !body.run) return setError(body.error?.message ?? `The server answered ${res.status}.`);
    router.push(`/admin/training/${body.run.id}`);
  }

  const input =
    "block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";
  if (!datasets.length) return <p className="text-sm text-zinc-500">Add a dataset first (Datasets tab).</p>;
  return (
    <form
      onSubmit={submit}
      className="grid gap-4 rounded-xl border border-zinc-200 p-4 sm:grid-cols-2 lg:grid-cols-3 dark:border-zinc-800"
    >
      {error && (
        <div className="sm:col-span-2 lg:col-span-3">
          <Alert testId="run-error">{error}</Alert>
        </div>
      )}
      <label className="space-y-1.5 text-sm font-medium">
        Dataset
        <select name="datasetId" className={input} defaultValue={defaultDataset ?? datasets[0].id}>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label className="space-y-1.5 text-sm font-medium">
        Preset
        <select name="preset" className={input} value={preset} onChange={(e) => setPreset(e.target.value)}>
          {presets.map((x) => (
            <option key={x.name} value={x.name}>
              {x.name} (Stage-{x.stage === 1 ? "I, 64 px" : "II, 256 px"})
            </option>
          ))}
        </select>
      </label>
      {p?.stage === 2 && (
        <label className="space-y-1.5 text-sm font-medium">
          Stage-I run to build on
          <select name="parentRunId" className={input} required>
            {stage1Runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="space-y-1.5 text-sm font-medium">
        Steps (budget)
        <input
          name="maxSteps"
          type="number"
          min={1}
          required
          defaultValue={p?.name === "tiny" ? 60 : 2000}
          className={input}
        />
      </label>
      <label className="space-y-1.5 text-sm font-medium">
        Time budget (minutes, optional)
        <input
          name="maxMinutes"
          type="number"
          min={0.1}
          step="any"
          placeholder="no limit"
          className={input}
        />
      </label>
      <label className="space-y-1.5 text-sm font-medium">
        Batch size
        <input
          name="batchSize"
          type="number"
          min={1}
          max={256}
          placeholder={String(p?.batchSize ?? "")}
          className={input}
        />
      </label>
      <label className="space-y-1.5 text-sm font-medium">
        Learning rate
        <input
          name="lr"
          type="number"
          step="any"
          min={0}
          placeholder={String(p?.lr ?? "")}
          className={input}
        />
      </label>
      <label className="space-y-1.5 text-sm font-medium">
        Checkpoint every (steps)
        <input
          name="checkpointEvery"
          type="number"
          min={1}
          placeholder="a tenth of the steps, at most 500"
          className={input}
        />
      </label>
      <label className="flex items-center gap-2 self-end pb-2 text-sm font-medium">
        <input name="evalOnCheckpoint" type="checkbox" defaultChecked={evalDefault} className="size-4" />
        Evaluate each checkpoint (needs the dataset&apos;s evaluation networks)
      </label>
      <label className="flex items-center gap-2 self-end pb-2 text-sm font-medium">
        <input name="diffAugment" type="checkbox" className="size-4" />
        Augment what the discriminator sees (shifts and cut-outs; helps with a few thousand images)
      </label>
      <label className="flex items-center gap-2 self-end pb-2 text-sm font-medium">
        <input name="modeSeek" type="checkbox" className="size-4" />
        Spread each prompt&apos;s pictures (mode seeking: different seeds give different pictures; even batch)
      </label>
      <div className="flex items-end">
        <Button type="submit" disabled={busy}>
          Start training
        </Button>
      </div>
    </form>
  );
}
