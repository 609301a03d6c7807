import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A fresh token for the inspector's URL: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison (hashed first, so lengths never leak either). */
export function sameToken(given: string, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/**
 * Why a request must be refused, or undefined to serve it. Only this machine's
 * loopback names are accepted as Host (a DNS-rebinding page gets its own host
 * name), and an Origin, when a browser sends one, must be the inspector's own:
 * other web pages cannot read the stream or call the API.
 */
export function refusal(request: IncomingMessage, port: number): string | undefined {
  const origins = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!origins.includes(request.headers.host ?? '')) return 'the Host header must be 127.0.0.1 or localhost with the inspector\'s port';
  const origin = request.headers.origin;
  if (origin !== undefined && !origins.some((host) => origin === `http://${host}`)) return 'requests from other origins are refused';
  return undefined;
}

/** Headers on every answer: nothing cached, framed, sniffed, or sent on as a Referer (the URL holds the token). */
export function setSafetyHeaders(response: ServerResponse): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
