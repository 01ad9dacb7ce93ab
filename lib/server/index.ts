/** The server-only layer: database, data access (with authorisation), auth, storage, rate limits, HTTP wrapper. */
import "server-only";

export { needsSetup, setupAdmin, signIn, signOut, signUp, createUserDirect } from "./auth/accounts";
export { auth } from "./auth/auth";
export {
  credentialsSchema,
  placeholderEmail,
  roleSchema,
  signInSchema,
  type Role,
  USERNAME_MAX,
  USERNAME_MIN,
} from "./auth/rules";
export { pageAdmin, pageViewer } from "./auth/page-guard";
export { currentViewer, requireAdmin, requireViewer, type Viewer, viewerFromHeaders } from "./auth/session";
export { listUsers, setUserDisabled, setUserRole, type UserSummary } from "./dal/users";
export { db, openDb, tables } from "./db";
export { clientIp, route } from "./http/route";
export { jsonWithCookies } from "./http/with-cookies";
export { RateLimiter, rateLimiter } from "./rate-limit";
export { DiskStorage, storage, type Storage } from "./storage";
