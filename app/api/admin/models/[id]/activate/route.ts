import { activateModelVersion, route } from "@/lib/server";

/** Serve this model version from now on (promotion and roll-back both end here). */
export const POST = route<undefined, { id: string }>({ access: "admin" }, async ({ viewer, params }) => ({
  modelVersion: activateModelVersion(viewer, params.id),
}));
