import { listUsers, route } from "@/lib/server";

export const GET = route({ access: "admin" }, async ({ viewer }) => ({ users: listUsers(viewer) }));
