import { db, route } from "@/lib/server";

export const dynamic = "force-dynamic";

export const GET = route({ access: "public" }, async () => {
  db().$client.prepare("select 1").get();
  return { ok: true };
});
