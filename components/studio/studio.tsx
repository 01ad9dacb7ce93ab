"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SEED_MAX, TRUNCATION_DEFAULT, TRUNCATION_MAX, TRUNCATION_MIN } from "@/lib/generate-events";
import { ResultCard } from "./result-card";
import { useGenerate } from "./use-generate";

const COUNTS = [1, 4, 8, 16];
const randomSeed = () => Math.floor(Math.random() * 1_000_000);

interface Props {
  signedIn: boolean;
  examples: string[];
  modelVersion: string | null;
  promptMaxChars: number;
}

export function Studio({ signedIn, examples, modelVersion, promptMaxChars }: Props) {
  const params = useSearchParams();
  const router = useRouter();
  const [prompt, setPrompt] = useState(params.get("prompt") ?? "");
  const [count, setCount] = useState(Number(params.get("count")) || 4);
  const [seed, setSeed] = useState(() => Number(params.get("seed")) || randomSeed());
  const [seedLocked, setSeedLocked] = useState(params.has("seed"));
  const [truncation, setTruncation] = useState(Number(params.get("truncation")) || TRUNCATION_DEFAULT);
  const [live, setLive] = useState(false);
  const { images, meta, error, busy, elapsedMs, generate, markSaved } = useGenerate();
  const [saveError, setSaveError] = useState<string | null>(null);
  const debounce = useRef<ReturnType<typeof setTimeout> | null>(null);

  const run = useCallback(
    (opts: { live?: boolean; variationOf?: number } = {}) => {
      const text = prompt.trim();
      if (!text) return;
      let s = seed;
      if (!seedLocked && !opts.live && opts.variationOf === undefined) {
        s = randomSeed();
        setSeed(s);
      }
      if (opts.variationOf !== undefined) {
        void generate({
          prompt: text,
          count: Math.max(4, count),
          seed: randomSeed(),
          truncation,
          variation: { of: opts.variationOf, strength: 0.35 },
        });
        return;
      }
      void generate({
        prompt: text,
        count: opts.live ? Math.min(count, 4) : count,
        seed: s,
        truncation,
        live: opts.live,
      });
    },
    [prompt, seed, seedLocked, count, truncation, generate],
  );

  // Live mode: the pictures follow the words (debounced, fixed seed, not stored)
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run only when the inputs change
  useEffect(() => {
    if (!live || !prompt.trim()) return;
    if (debounce.current) clearTimeout(debounce.current);
    debounce.current = setTimeout(() => run({ live: true }), 350);
    return () => {
      if (debounce.current) clearTimeout(debounce.current);
    };
  }, [live, prompt, truncation, count]);

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      run();
    }
  }

  async function onSave(imageId: string, saved: boolean) {
    setSaveError(null);
    const res = await fetch(`/api/images/${imageId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ saved }),
    });
    if (res.ok) {
      markSaved(imageId, saved);
      router.refresh();
    } else {
      const b = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      setSaveError(b.error?.message ?? "Could not save the image.");
    }
  }

  return (
    <div className="grid gap-8 lg:grid-cols-[22rem_1fr]">
      <form
        className="space-y-5 lg:sticky lg:top-20 lg:self-start"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <div className="space-y-1.5">
          <label htmlFor="prompt" className="block text-sm font-medium">
            Describe a picture
          </label>
          <textarea
            id="prompt"
            name="prompt"
            rows={3}
            value={prompt}
            maxLength={promptMaxChars}
            onChange={(e) => setPrompt(e.target.value)}
            onKeyDown={onKeyDown}
            placeholder="a red heart, glossy 3D style"
            aria-describedby="prompt-hint"
            className="block w-full resize-y rounded-xl border border-zinc-300 bg-white px-3 py-2 text-base shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 dark:border-zinc-700 dark:bg-zinc-900"
          />
          <p id="prompt-hint" className="text-xs text-zinc-500 dark:text-zinc-400">
            Enter generates · Shift+Enter for a new line · {prompt.length}/{promptMaxChars}
          </p>
        </div>

        <fieldset className="flex flex-wrap gap-1.5">
          <legend className="sr-only">Example prompts</legend>
          {examples.map((ex) => (
            <button
              key={ex}
              type="button"
              onClick={() => setPrompt(ex)}
              className="rounded-full border border-zinc-300 px-2.5 py-1 text-xs text-zinc-700 hover:border-brand-500 hover:text-brand-700 dark:border-zinc-700 dark:text-zinc-300 dark:hover:text-brand-400"
            >
              {ex}
            </button>
          ))}
        </fieldset>

        <fieldset className="space-y-1.5">
          <legend className="text-sm font-medium">Images</legend>
          <div className="inline-flex rounded-lg border border-zinc-300 p-0.5 dark:border-zinc-700">
            {COUNTS.map((c) => (
              <label
                key={c}
                className={`cursor-pointer rounded-md px-3 py-1 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500 ${
                  count === c ? "bg-brand-600 text-white" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"
                }`}
              >
                <input
                  type="radio"
                  name="count"
                  value={c}
                  checked={count === c}
                  onChange={() => setCount(c)}
                  className="sr-only"
                />
                {c}
              </label>
            ))}
          </div>
        </fieldset>

        <div className="space-y-1.5">
          <label htmlFor="seed" className="block text-sm font-medium">
            Seed
          </label>
          <div className="flex items-center gap-2">
            <input
              id="seed"
              type="number"
              min={0}
              max={SEED_MAX}
              value={seed}
              onChange={(e) => {
                setSeed(Math.max(0, Math.min(SEED_MAX, Math.floor(Number(e.target.value) || 0))));
                setSeedLocked(true);
              }}
              className="w-36 rounded-lg border border-zinc-300 bg-white px-3 py-1.5 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
            />
            <label className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                checked={seedLocked}
                onChange={(e) => setSeedLocked(e.target.checked)}
                className="h-4 w-4 accent-brand-600"
              />
              Lock
            </label>
            <button
              type="button"
              onClick={() => setSeed(randomSeed())}
              className="rounded-lg px-2 py-1 text-sm hover:bg-zinc-200 dark:hover:bg-zinc-800"
              aria-label="New random seed"
            >
              <svg
                aria-hidden="true"
                viewBox="0 0 24 24"
                className="h-5 w-5"
                fill="none"
                stroke="currentColor"
                strokeWidth="2"
              >
                <rect x="3" y="3" width="18" height="18" rx="4" />
                <circle cx="8.5" cy="8.5" r="1.2" fill="currentColor" />
                <circle cx="15.5" cy="15.5" r="1.2" fill="currentColor" />
                <circle cx="12" cy="12" r="1.2" fill="currentColor" />
              </svg>
            </button>
          </div>
        </div>

        <div className="space-y-1.5">
          <label htmlFor="truncation" className="flex justify-between text-sm font-medium">
            <span>Diversity</span>
            <span className="font-mono text-zinc-500">{truncation.toFixed(2)}</span>
          </label>
          <input
            id="truncation"
            type="range"
            min={TRUNCATION_MIN}
            max={TRUNCATION_MAX}
            step={0.05}
            value={truncation}
            onChange={(e) => setTruncation(Number(e.target.value))}
            className="w-full accent-brand-600"
            aria-describedby="truncation-hint"
          />
          <p id="truncation-hint" className="text-xs text-zinc-500 dark:text-zinc-400">
            Lower is more typical, higher is more varied (noise truncation).
          </p>
        </div>

        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={live}
            onChange={(e) => setLive(e.target.checked)}
            className="h-4 w-4 accent-brand-600"
          />
          Live: regenerate as I type
        </label>

        <Button type="submit" disabled={!prompt.trim()} className="w-full">
          {busy ? "Generating…" : "Generate"}
        </Button>
        {!signedIn && (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            <a href="/sign-in" className="text-brand-600 hover:underline dark:text-brand-400">
              Sign in
            </a>{" "}
            to keep your images and share them.
          </p>
        )}
      </form>

      <section aria-label="Results" aria-live="polite" className="space-y-3">
        <div className="flex min-h-6 flex-wrap items-center gap-x-3 gap-y-1 text-sm text-zinc-500 dark:text-zinc-400">
          <span data-testid="model-version">
            Model:{" "}
            <span className="font-medium text-zinc-700 dark:text-zinc-200">
              {meta?.modelVersion ?? modelVersion ?? "none"}
            </span>
          </span>
          {meta && <span>seed {meta.seed}</span>}
          {elapsedMs !== null && <span data-testid="elapsed">{elapsedMs} ms on the server</span>}
        </div>
        {error && <Alert testId="generate-error">{error}</Alert>}
        {saveError && <Alert>{saveError}</Alert>}
        {images.length === 0 ? (
          <div className="grid aspect-[2/1] place-items-center rounded-2xl border-2 border-dashed border-zinc-300 text-center text-sm text-zinc-500 dark:border-zinc-700">
            <p>
              Type a description and press <kbd className="rounded border px-1">Enter</kbd>.
              <br />
              Pictures appear one by one, a 64 px sketch first, then the 256 px final.
            </p>
          </div>
        ) : (
          <div
            className={`grid gap-3 ${images.length === 1 ? "max-w-md grid-cols-1" : "grid-cols-2 md:grid-cols-4"}`}
          >
            {images.map((im) => (
              <ResultCard
                key={im.key}
                image={im}
                prompt={meta?.prompt ?? prompt}
                signedIn={signedIn}
                onSave={onSave}
                onMoreLikeThis={(s) => run({ variationOf: s })}
              />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
