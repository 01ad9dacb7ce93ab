import { redirect } from "next/navigation";
import { Suspense } from "react";
import { Studio } from "@/components/studio/studio";
import { activeModelVersion, currentViewer, needsSetup } from "@/lib/server";
import { PROMPT_MAX_CHARS } from "@/lib/text";

export const dynamic = "force-dynamic";

const EXAMPLES = [
  "a red heart",
  "a smiling face with sunglasses",
  "a green tree",
  "a blue car",
  "the flag of Japan",
  "a cat face",
  "a glossy 3D yellow star",
  "a flat orange fox",
];

export default async function StudioPage() {
  if (needsSetup()) redirect("/setup");
  const [viewer, version] = await Promise.all([currentViewer(), activeModelVersion()]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Studio</h1>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">Type a description, get images.</p>
      </div>
      <Suspense>
        <Studio
          signedIn={!!viewer}
          examples={EXAMPLES}
          modelVersion={version?.name ?? null}
          promptMaxChars={PROMPT_MAX_CHARS}
        />
      </Suspense>
    </div>
  );
}
