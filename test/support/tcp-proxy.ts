/**
 * A TCP proxy on a free loopback port in front of the test broker, so that a
 * test can break only its own connections: pause forwarding (a half-open
 * link: sockets stay open, nothing gets through either way), resume it, drop
 * every connection, or accept connections and never answer (a black hole).
 */
import net from 'node:net';
import { RABBIT_URL } from './rabbit.js';

export interface TcpProxy {
  /** The test broker's URL, through this proxy. */
  readonly url: string;
  readonly port: number;
  /** Client connections currently open on the proxy. */
  readonly openConnections: number;
  /** Stops forwarding both ways; sockets stay open. New connections are accepted and held. */
  pause(): void;
  /** Forwards again, including what was sent meanwhile. */
  resume(): void;
  /** Destroys every connection (both sides), like a network reset. */
  dropAll(): void;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

interface Link {
  readonly client: net.Socket;
  upstream: net.Socket | undefined;
  /** The broker closed its side while paused: the client learns of it on resume. */
  upstreamGone?: boolean;
}

/**
 * Starts a proxy to the test broker (`forward`, the default), or one that
 * accepts TCP connections and never answers (`black-hole`). `targetUrl`
 * points it elsewhere (e.g. the test Redis); `url` is then that URL's host
 * and port replaced by the proxy's.
 */
export async function startTcpProxy(mode: 'forward' | 'black-hole' = 'forward', targetUrl = RABBIT_URL): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5672);
  const links = new Set<Link>();
  let paused = false;

  const destroy = (link: Link) => {
    links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  };
  const connectUpstream = (link: Link) => {
    const upstream = net.connect(targetPort, target.hostname);
    link.upstream = upstream;
    // A paused link hides the broker's close too (say, when it gave up on missing heartbeats).
    const upstreamClosed = () => (paused ? (link.upstreamGone = true) : destroy(link));
    upstream.on('error', upstreamClosed);
    upstream.on('close', upstreamClosed);
    upstream.on('data', (chunk) => link.client.write(chunk));
    link.client.on('data', (chunk) => upstream.write(chunk));
    link.client.resume();
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    const link: Link = { client, upstream: undefined };
    links.add(link);
    client.on('error', () => destroy(link));
    client.on('close', () => destroy(link));
    // A black hole reads (so it sees the client close) and never answers.
    if (mode === 'black-hole') client.resume();
    else if (!paused) connectUpstream(link);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  const proxyUrl = new URL(targetUrl);
  proxyUrl.hostname = '127.0.0.1';
  proxyUrl.port = String(port);

  return {
    url: proxyUrl.toString().replace(/\/$/, ''),
    port,
    get openConnections() {
      return links.size;
    },
    pause() {
      paused = true;
      // Not reading leaves the bytes in the kernel: neither side sees the other's data, nor a close.
      for (const link of links) {
        link.client.pause();
        link.upstream?.pause();
      }
    },
    resume() {
      paused = false;
      if (mode === 'black-hole') return;
      for (const link of [...links]) {
        if (link.upstreamGone) {
          destroy(link);
          continue;
        }
        if (!link.upstream) connectUpstream(link);
        link.client.resume();
        link.upstream!.resume();
      }
    },
    dropAll() {
      for (const link of [...links]) destroy(link);
    },
    async close() {
      for (const link of [...links]) destroy(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
