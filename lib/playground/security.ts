/**
 * The playground is a local tool that can run code: a page on another site must not reach
 * it. Requests whose `Host` is not the server's own are refused (DNS rebinding), and so are
 * state-changing requests whose `Origin` is another site's (CSRF).
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Which `Host` values name this server: `localhost`, `127.0.0.1` and `[::1]` at its port,
 * and the host it was bound to. Bound to every interface (`0.0.0.0`, `::`), any IP
 * address and this machine's name are its own too (a rebinding attack needs a domain name
 * of the attacker's).
 */
export class ServerHosts {
  private port: number | undefined;
  private readonly bound: string;

  constructor(bound: string, port?: number) {
    this.bound = bound.includes(':') && !bound.startsWith('[') ? `[${bound}]` : bound.toLowerCase();
    this.port = port;
  }

  /** Called once listening, with the port the server got. */
  listening(port: number): void {
    this.port = port;
  }

  /** True when `host` (a Host or Origin authority, `name:port`) names this server. */
  isOwn(host: string | undefined): boolean {
    if (host === undefined || this.port === undefined) return false;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
    if (!match) return false;
    const [, name, port] = match;
    if (Number(port ?? 80) !== this.port) return false;
    if (LOOPBACK.has(name!) || name === this.bound) return true;
    if (!WILDCARD.has(this.bound)) return false;
    return isIP(name!.replace(/^\[|\]$/g, '')) !== 0 || name === hostname().toLowerCase();
  }
}

/**
 * Refuses, with `403`, a request whose `Host` is not the server's own, and a POST (or any
 * method but GET, HEAD, OPTIONS) whose `Origin` is present and not the server's own.
 */
export function hostAndOrigin(hosts: ServerHosts): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host');
    if (!hosts.isOwn(host)) {
      throw new ApiError(403, `refused: Host ${host === undefined ? '(none)' : JSON.stringify(host)} is not this playground's address`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !SAFE_METHODS.has(c.req.method) && !isOwnOrigin(origin, hosts)) {
      throw new ApiError(403, `refused: a ${c.req.method} from origin ${JSON.stringify(origin)}, which is not this playground`);
    }
    await next();
  };
}

function isOwnOrigin(origin: string, hosts: ServerHosts): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (a sandboxed frame, a file) and anything else unparsable
  }
  return url.protocol === 'http:' && hosts.isOwn(url.host || undefined);
}

/** Headers every answer carries: no sniffing, no framing (clickjacking the Launch button), no referrer. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Content-Security-Policy', "frame-ancestors 'none'");
  c.header('Referrer-Policy', 'no-referrer');
};
