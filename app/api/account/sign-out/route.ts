import { jsonWithCookies, route, signOut } from "@/lib/server";

export const POST = route({ access: "public" }, async ({ req }) =>
  jsonWithCookies({ ok: true }, await signOut(req.headers)),
);
