import { z } from "zod";

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const USERNAME_RE = /^[a-zA-Z0-9_.-]+$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export const usernameSchema = z
  .string({ error: "username is required" })
  .trim()
  .min(USERNAME_MIN, { error: `must be at least ${USERNAME_MIN} characters` })
  .max(USERNAME_MAX, { error: `must be at most ${USERNAME_MAX} characters` })
  .regex(USERNAME_RE, { error: 'may contain only letters, digits, ".", "_" and "-"' });

export const passwordSchema = z
  .string({ error: "password is required" })
  .min(PASSWORD_MIN, { error: `must be at least ${PASSWORD_MIN} characters` })
  .max(PASSWORD_MAX, { error: `must be at most ${PASSWORD_MAX} characters` });

export const credentialsSchema = z.object({ username: usernameSchema, password: passwordSchema });
export const signInSchema = z.object({
  username: z
    .string({ error: "username is required" })
    .trim()
    .min(1, { error: "username is required" })
    .max(200),
  password: z.string({ error: "password is required" }).min(1, { error: "password is required" }).max(1000),
});

export const roleSchema = z.enum(["user", "admin"]);
export type Role = z.infer<typeof roleSchema>;

/** Accounts have no e-mail: Better Auth needs one, so each user gets a unique address that is never mailed. */
export function placeholderEmail(username: string): string {
  return `${username.toLowerCase()}@users.ganvas.invalid`;
}
