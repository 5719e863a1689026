import { describe, expect, it } from "vitest";
import { appendForwardedFor, clientAddress, formatIp, inRanges, parseIp, parseIpRanges } from "./trusted-proxy";

const ip = (text: string) => {
  const bytes = parseIp(text);
  return bytes && formatIp(bytes);
};

describe("parseIp / formatIp", () => {
  it("reads IPv4 and IPv6 as they appear in sockets and X-Forwarded-For", () => {
    expect(ip("203.0.113.7")).toBe("203.0.113.7");
    expect(ip(" 2001:DB8:0:0:0:0:0:1 ")).toBe("2001:db8::1");
    expect(ip("::1")).toBe("::1");
    expect(ip("::")).toBe("::");
    expect(ip("fe80::1%eth0")).toBe("fe80::1");
    expect(ip("2001:db8:0:1:0:0:1:0")).toBe("2001:db8:0:1::1:0");
    expect(ip("2001:db8:1:1:1:1:1:1")).toBe("2001:db8:1:1:1:1:1:1");
    // With a port, as some proxies write it.
    expect(ip("203.0.113.7:51234")).toBe("203.0.113.7");
    expect(ip("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(ip("[::1]")).toBe("::1");
  });

  it("treats an IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 client) as that IPv4 address", () => {
    expect(ip("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(ip("::ffff:c000:0201")).toBe("192.0.2.1");
  });

  it("rejects anything else", () => {
    for (const bad of [
      "",
      "unknown",
      "256.1.1.1",
      "1.2.3",
      "1.2.3.4.5",
      "01.2.3.4",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      ":1",
      "12345::",
      "1.2.3.4/8",
      "[1.2.3.4",
      "g::1",
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
});

describe("parseIpRanges / inRanges", () => {
  it("matches addresses and CIDR ranges of both families", () => {
    const ranges = parseIpRanges(["10.0.0.0/8", "192.0.2.7", "2001:db8:abcd::/48", "::1"]);
    expect(inRanges("10.200.3.4", ranges)).toBe(true);
    expect(inRanges("11.0.0.1", ranges)).toBe(false);
    expect(inRanges("192.0.2.7", ranges)).toBe(true);
    expect(inRanges("192.0.2.8", ranges)).toBe(false);
    expect(inRanges("2001:db8:abcd:12::99", ranges)).toBe(true);
    expect(inRanges("2001:db8:abce::1", ranges)).toBe(false);
    expect(inRanges("::1", ranges)).toBe(true);
    expect(inRanges("::ffff:10.1.2.3", ranges)).toBe(true);
    expect(inRanges("not an address", ranges)).toBe(false);
  });

  it("handles prefixes that do not fall on a byte boundary, and host bits set in the network", () => {
    const ranges = parseIpRanges(["172.16.0.0/12", "192.168.1.77/30"]);
    expect(inRanges("172.31.255.255", ranges)).toBe(true);
    expect(inRanges("172.32.0.0", ranges)).toBe(false);
    expect(inRanges("192.168.1.79", ranges)).toBe(true);
    expect(inRanges("192.168.1.80", ranges)).toBe(false);
    expect(inRanges("8.8.8.8", parseIpRanges(["0.0.0.0/0"]))).toBe(true);
  });

  it("refuses a malformed entry, naming it, rather than trusting something unintended", () => {
    expect(() => parseIpRanges(["10.0.0.0/33"])).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseIpRanges(["2001:db8::/129"])).toThrow(/2001:db8::\/129/);
    expect(() => parseIpRanges(["proxy.internal"])).toThrow(/proxy\.internal/);
    expect(() => parseIpRanges(["10.0.0.0/"])).toThrow();
    expect(() => parseIpRanges(["10.0.0.0/8x"])).toThrow();
  });
});

describe("clientAddress", () => {
  it("without trusted proxies, is the last entry: the peer our own server appended", () => {
    expect(clientAddress("6.6.6.6, 10.0.0.7", [])).toBe("10.0.0.7");
    expect(clientAddress("10.0.0.7", [])).toBe("10.0.0.7");
    expect(clientAddress("::ffff:127.0.0.1", [])).toBe("127.0.0.1");
  });

  it("behind trusted proxies, is the right-most entry that is not one of them", () => {
    const proxies = parseIpRanges(["10.0.0.0/8", "2001:db8::/32"]);
    // client → proxy 10.0.0.2 → proxy 10.0.0.3 → app
    expect(clientAddress("198.51.100.4, 10.0.0.2, 10.0.0.3", proxies)).toBe("198.51.100.4");
    // A client writing its own entries first cannot get past the proxies' record of who connected.
    expect(clientAddress("1.1.1.1, 203.0.113.9, 10.0.0.3", proxies)).toBe("203.0.113.9");
    // Reaching the app directly, not through the proxy: the peer itself.
    expect(clientAddress("1.1.1.1, 203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(clientAddress("2001:db9::5, 2001:db8::1", proxies)).toBe("2001:db9::5");
    // Everything trusted: the furthest we know.
    expect(clientAddress("10.1.1.1, 10.0.0.3", proxies)).toBe("10.1.1.1");
  });

  it("is null without any entry", () => {
    expect(clientAddress(null, [])).toBeNull();
    expect(clientAddress(" , ", [])).toBeNull();
  });
});

describe("appendForwardedFor", () => {
  it("adds the socket's peer as the last entry, as a proxy hop does", () => {
    expect(appendForwardedFor(undefined, "127.0.0.1")).toBe("127.0.0.1");
    expect(appendForwardedFor("6.6.6.6", "::ffff:127.0.0.1")).toBe("6.6.6.6, ::ffff:127.0.0.1");
    expect(appendForwardedFor(["6.6.6.6", "7.7.7.7"], "127.0.0.1")).toBe("6.6.6.6, 7.7.7.7, 127.0.0.1");
    // A peer we cannot name still ends the list, so the client's own last entry is never taken.
    expect(appendForwardedFor("6.6.6.6", undefined)).toBe("6.6.6.6, unknown");
  });
});
