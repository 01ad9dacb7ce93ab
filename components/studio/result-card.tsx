"use client";

import { useState } from "react";
import type { ResultImage } from "./use-generate";

interface Props {
  image: ResultImage;
  prompt: string;
  signedIn: boolean;
  onSave: (imageId: string, saved: boolean) => void;
  onMoreLikeThis: (seed: number) => void;
}

export function ResultCard({ image, prompt, signedIn, onSave, onMoreLikeThis }: Props) {
  const [copied, setCopied] = useState(false);
  const src = image.final ?? image.preview;
  const downloadHref = image.imageId ? `/api/images/${image.imageId}/png?download=1` : image.final;
  return (
    <figure
      data-testid="result"
      data-seed={image.seed}
      data-state={image.final ? "final" : image.preview ? "preview" : "pending"}
      className="group overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="relative aspect-square bg-zinc-100 dark:bg-zinc-800">
        {src ? (
          // biome-ignore lint/performance/noImgElement: generated data URLs and API images, not static assets
          <img
            src={src}
            alt={prompt}
            data-testid={image.final ? "final-image" : "preview-image"}
            className={`h-full w-full object-contain transition-[filter] duration-300 ${image.final ? "" : "blur-[2px]"}`}
            style={{ imageRendering: image.final ? "auto" : "pixelated" }}
          />
        ) : (
          <div className="h-full w-full animate-pulse bg-gradient-to-br from-zinc-200 to-zinc-100 dark:from-zinc-800 dark:to-zinc-900" />
        )}
        <span
          data-testid="seed-badge"
          className="absolute left-2 top-2 rounded-md bg-black/60 px-1.5 py-0.5 font-mono text-[11px] text-white"
        >
          seed {image.seed}
        </span>
        {!image.final && src && (
          <span className="absolute right-2 top-2 rounded-md bg-black/60 px-1.5 py-0.5 text-[11px] text-white">
            64 px preview
          </span>
        )}
      </div>
      {image.final && (
        <figcaption className="flex flex-wrap items-center gap-1 p-2">
          {signedIn && image.imageId && (
            <button
              type="button"
              onClick={() => onSave(image.imageId as string, !image.saved)}
              aria-pressed={!!image.saved}
              className={`rounded-md px-2 py-1 text-xs font-medium ${
                image.saved
                  ? "bg-brand-600 text-white hover:bg-brand-700"
                  : "bg-zinc-100 hover:bg-zinc-200 dark:bg-zinc-800 dark:hover:bg-zinc-700"
              }`}
            >
              {image.saved ? "Saved" : "Save"}
            </button>
          )}
          {downloadHref && (
            <a
              href={downloadHref}
              download={`ganvas-${image.seed}.png`}
              className="rounded-md bg-zinc-100 px-2 py-1 text-xs font-medium hover:bg-zinc-200 dark:bg-zinc-800 dark:hover:bg-zinc-700"
            >
              Download
            </a>
          )}
          <button
            type="button"
            onClick={() => onMoreLikeThis(image.seed)}
            className="rounded-md bg-zinc-100 px-2 py-1 text-xs font-medium hover:bg-zinc-200 dark:bg-zinc-800 dark:hover:bg-zinc-700"
          >
            More like this
          </button>
          <button
            type="button"
            onClick={async () => {
              await navigator.clipboard?.writeText(image.parameters ?? "").catch(() => undefined);
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            }}
            className="rounded-md bg-zinc-100 px-2 py-1 text-xs font-medium hover:bg-zinc-200 dark:bg-zinc-800 dark:hover:bg-zinc-700"
          >
            {copied ? "Copied" : "Copy recipe"}
          </button>
          {image.imageId && (
            <a
              href={`/images/${image.imageId}`}
              className="ml-auto rounded-md px-2 py-1 text-xs text-brand-600 hover:underline dark:text-brand-400"
            >
              Open
            </a>
          )}
        </figcaption>
      )}
    </figure>
  );
}
