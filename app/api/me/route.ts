import { route } from "@/lib/server";

export const GET = route({ access: "public" }, async ({ viewer }) => ({ viewer }));
