import { z } from "zod";
import { emailSchema, passwordSchema, roleSchema } from "./users.ts";

export const credentialsSchema = z.object({ email: emailSchema, password: passwordSchema });
export const changePasswordSchema = z.object({ current_password: z.string().min(1, "is required"), new_password: passwordSchema });
export const adminCreateUserSchema = credentialsSchema.extend({ role: roleSchema.default("USER") });
export const adminPatchUserSchema = z
  .object({ role: roleSchema.optional(), disabled: z.boolean().optional() })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, "give role or disabled");
