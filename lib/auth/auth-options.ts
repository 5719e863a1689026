import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "../db/client.ts";
import { verifyCredentials } from "../users/users.ts";
import { clientIp, createLoginThrottle, LoginThrottledError, type LoginThrottle } from "./login-throttle.ts";

let throttle: LoginThrottle | undefined;

export const authOptions: AuthOptions = {
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const email = credentials?.email ?? "";
        const password = credentials?.password ?? "";
        if (!email || !password) return null;
        const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
        throttle ??= createLoginThrottle(db());
        try {
          await throttle.check(email, clientIp(headers["x-forwarded-for"]));
        } catch (err) {
          // next-auth passes an Error's message to the sign-in page as ?error=
          if (err instanceof LoginThrottledError) throw new Error(err.message);
          throw err;
        }
        const user = await verifyCredentials(db(), email, password);
        if (!user) {
          await throttle.failed(email);
          return null;
        }
        await throttle.succeeded(email);
        return { id: user.id, email: user.email, role: user.role };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) token.role = (user as { role?: string }).role;
      return token;
    },
    async session({ session, token }) {
      // Display only: every server check re-reads the role from the database.
      return { ...session, user: { ...session.user, id: token.sub, role: token.role } };
    },
  },
};
