import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { tooMany } from "../http/errors.ts";

const perMinute = Number(process.env.SWITCHYARD_RATE_LIMIT_RPM || 600);
// Per process: a burst guard for the gateway, not a billing control (credits and budgets are).
const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });

export async function checkGatewayRate(userId: string): Promise<void> {
  try {
    await limiter.consume(userId);
  } catch (res) {
    if (res instanceof RateLimiterRes) throw tooMany(`Rate limit of ${perMinute} requests per minute reached`, res.msBeforeNext / 1000);
    throw res;
  }
}
