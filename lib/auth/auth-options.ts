import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "../db/client.ts";
import { verifyCredentials } from "../users/users.ts";
import { clientAddress, trustedProxyRanges } from "../http/trusted-proxy.ts";
import { createLoginThrottle, LoginThrottledError, type LoginThrottle } from "./login-throttle.ts";
import { SESSION_MAX_AGE_SECONDS } from "./session-cookie.ts";

let throttle: LoginThrottle | undefined;

export const authOptions: AuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        // A JSON body can carry any type here, not only the form's strings.
        const email = String(credentials?.email ?? "");
        const password = String(credentials?.password ?? "");
        if (!email || !password) return null;
        const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
        // The server appends each connection's peer to X-Forwarded-For (scripts/record-peer.cjs):
        // the client is its last entry, or the last one not written by a trusted proxy.
        const address = clientAddress(headers["x-forwarded-for"], trustedProxyRanges()) ?? "unknown";
        throttle ??= createLoginThrottle(db());
        try {
          await throttle.check(email, address);
        } catch (err) {
          // next-auth passes an Error's message to the sign-in page as ?error=
          if (err instanceof LoginThrottledError) throw new Error(err.message, { cause: err });
          throw err;
        }
        const user = await verifyCredentials(db(), email, password);
        if (!user) {
          await throttle.failed(email, address);
          return null;
        }
        await throttle.succeeded(email, address);
        return { id: user.id, email: user.email, role: user.role, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.role = (user as { role?: string }).role;
        // Compared with the user's current version on every request (lib/auth/caller.ts).
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    async session({ session, token }) {
      // Display only: every server check re-reads the role from the database.
      return { ...session, user: { ...session.user, id: token.sub, role: token.role } };
    },
  },
};
