import { credentialsSchema, jsonWithCookies, route, setupAdmin } from "@/lib/server";

export const POST = route({ access: "public", body: credentialsSchema }, async ({ req, body }) => {
  const { userId, setCookies } = await setupAdmin(body.username, body.password, req.headers);
  return jsonWithCookies({ userId }, setCookies, 201);
});
