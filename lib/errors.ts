/**
 * One error type for the whole app, with a fixed set of codes. Route handlers never build error responses
 * themselves: they throw AppError (or let zod throw) and the route wrapper maps it with `toErrorResponse`.
 */
import { z } from "zod";

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  VALIDATION: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** Human sentence for a zod failure: "username: must be at least 3 characters; password: ..." */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const where = i.path.length ? `${i.path.join(".")}: ` : "";
      return `${where}${i.message}`;
    })
    .join("; ");
}

/**
 * Map anything thrown to a status and a safe body. Unknown errors are logged (with their stack, server-side only)
 * and answered as a generic 500 so no internals leak to the client.
 */
export function toErrorResponse(err: unknown, log: (msg: string, err: unknown) => void = console.error) {
  if (err instanceof AppError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.details) body.error.details = err.details;
    return { status: err.status, body };
  }
  if (err instanceof z.ZodError) {
    const body: ErrorBody = {
      error: {
        code: "VALIDATION",
        message: describeZodError(err),
        details: { issues: err.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
      },
    };
    return { status: 422, body };
  }
  if (err instanceof SyntaxError && /JSON/.test(err.message)) {
    return {
      status: 422,
      body: {
        error: { code: "VALIDATION", message: "The request body is not valid JSON." },
      } satisfies ErrorBody,
    };
  }
  log("Unhandled error", err);
  return {
    status: 500,
    body: {
      error: { code: "INTERNAL", message: "Something went wrong on the server. It has been logged." },
    } satisfies ErrorBody,
  };
}
