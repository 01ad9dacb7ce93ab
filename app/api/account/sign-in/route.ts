import { jsonWithCookies, route, signIn, signInSchema } from "@/lib/server";

export const POST = route({ access: "public", body: signInSchema }, async ({ req, body, ip }) => {
  const { userId, setCookies } = await signIn(body.username, body.password, req.headers, ip);
  return jsonWithCookies({ userId }, setCookies);
});
