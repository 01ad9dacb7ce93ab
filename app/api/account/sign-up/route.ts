import { credentialsSchema, jsonWithCookies, route, signUp } from "@/lib/server";

export const POST = route({ access: "public", body: credentialsSchema }, async ({ req, body, ip }) => {
  const { userId, setCookies } = await signUp(body.username, body.password, req.headers, ip);
  return jsonWithCookies({ userId }, setCookies, 201);
});
