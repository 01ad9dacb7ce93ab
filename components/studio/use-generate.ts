"use client";

import { useCallback, useRef, useState } from "react";
import type { GenerateEvent, GenerateStartEvent } from "@/lib/generate-events";

export interface ResultImage {
  key: string;
  index: number;
  seed: number;
  preview?: string;
  final?: string;
  imageId?: string;
  parameters?: string;
  saved?: boolean;
  width?: number;
}

export interface GenerateInput {
  prompt: string;
  count: number;
  seed: number;
  truncation: number;
  live?: boolean;
  variation?: { of: number; strength: number };
}

/** Streams POST /api/generate (NDJSON) into state; a new request aborts the previous one (the server stops too). */
export function useGenerate() {
  const [images, setImages] = useState<ResultImage[]>([]);
  const [meta, setMeta] = useState<GenerateStartEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [elapsedMs, setElapsedMs] = useState<number | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const runRef = useRef(0);

  const generate = useCallback(async (input: GenerateInput) => {
    abortRef.current?.abort();
    const ctrl = new AbortController();
    abortRef.current = ctrl;
    const run = ++runRef.current;
    setBusy(true);
    setError(null);
    setElapsedMs(null);
    try {
      const res = await fetch("/api/generate", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
        signal: ctrl.signal,
      });
      if (!res.ok || !res.body) {
        const b = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new Error(b.error?.message ?? `The server answered ${res.status}.`);
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
          if (!line || run !== runRef.current) continue;
          const ev = JSON.parse(line) as GenerateEvent;
          if (ev.type === "start") {
            setMeta(ev);
            setImages(
              Array.from({ length: ev.count }, (_, i) => ({
                key: `${run}-${i}`,
                index: i,
                seed: ev.seed + i,
              })),
            );
          } else if (ev.type === "preview") {
            setImages((prev) =>
              prev.map((im) => (im.index === ev.index ? { ...im, preview: ev.image, seed: ev.seed } : im)),
            );
          } else if (ev.type === "final") {
            setImages((prev) =>
              prev.map((im) =>
                im.index === ev.index
                  ? {
                      ...im,
                      final: ev.image,
                      imageId: ev.imageId,
                      parameters: ev.parameters,
                      seed: ev.seed,
                      width: ev.width,
                    }
                  : im,
              ),
            );
          } else if (ev.type === "done") {
            setElapsedMs(ev.ms);
          } else if (ev.type === "error") {
            setError(ev.message);
          }
        }
      }
    } catch (err) {
      if ((err as Error).name !== "AbortError" && run === runRef.current) setError((err as Error).message);
    } finally {
      if (run === runRef.current) setBusy(false);
    }
  }, []);

  const markSaved = useCallback((imageId: string, saved: boolean) => {
    setImages((prev) => prev.map((im) => (im.imageId === imageId ? { ...im, saved } : im)));
  }, []);

  return { images, meta, error, busy, elapsedMs, generate, markSaved };
}
