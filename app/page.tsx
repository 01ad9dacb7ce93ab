import { redirect } from "next/navigation";
import { needsSetup } from "@/lib/server";

export const dynamic = "force-dynamic";

export default function StudioPage() {
  if (needsSetup()) redirect("/setup");
  return (
    <div className="space-y-2">
      <h1 className="text-2xl font-semibold tracking-tight">Studio</h1>
      <p className="text-sm text-zinc-500 dark:text-zinc-400">Type a description, get images.</p>
    </div>
  );
}
