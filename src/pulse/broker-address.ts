import { inspect } from 'node:util';
import { connectionParameters, decodeLeniently, hostAndPort, splitBrokerUrl, vhostOf, type ConnectionParameter } from './broker-url.js';
import { PulseConfigError } from './pulse-errors.js';

/**
 * The one place that reads broker URLs and holds broker credentials.
 *
 * A URL is parsed once, here. The password stays in a private field: amqplib
 * gets a connect *object* (`amqplibOptions()`), so no URL parser downstream
 * ever sees it, and everything else (`display`, `toString`, `toJSON`,
 * `util.inspect`) shows `***` in its place.
 *
 * Parsing rules, chosen so that generated passwords work unencoded:
 * - the userinfo ends at the LAST `@` after `://` (a password may hold
 *   `/ ? # @ :`); the user ends at the first `:` of the userinfo;
 * - user and password are percent-decoded when that is valid percent-encoding,
 *   else taken literally;
 * - the vhost is the percent-decoded path after the host (`/` or none is the
 *   default vhost `/`, `%2F` is `/`).
 */
export class BrokerAddress {
  /** Lowercase, without `:`, e.g. `amqps`. */
  readonly scheme: string;
  /** As written in the URL; IPv6 addresses keep their brackets. */
  readonly hostname: string;
  /** `undefined` when the URL has none (amqplib then uses 5672 for amqp, 5671 for amqps). */
  readonly port: number | undefined;
  /** Decoded; `undefined` when the URL has no userinfo (amqplib then logs in as guest/guest). */
  readonly username: string | undefined;
  /** Decoded; `/` by default. */
  readonly vhost: string;
  /** The URL with the password replaced by `***`: safe for logs and errors. */
  readonly display: string;
  readonly #password: string | undefined;
  /** The path exactly as written (or built from the vhost), so the display matches what the user gave. */
  readonly #path: string;
  readonly #query: URLSearchParams;
  /** Forms of the password that may appear in third-party messages, longest first. */
  readonly #secretForms: readonly string[];

  private constructor(parts: AddressParts) {
    this.scheme = parts.scheme;
    this.hostname = parts.hostname;
    this.port = parts.port;
    this.username = parts.username;
    this.vhost = parts.vhost;
    this.#password = parts.password;
    this.#path = parts.path;
    this.#query = parts.query;
    this.#secretForms = secretForms(parts.password, parts.rawPassword, parts.username);
    this.display = this.#format('***');
  }

  /**
   * Parses a broker URL. Throws `PulseConfigError(field, rule)` for a URL that
   * can never work (no scheme, no host, a port that is not a number 1-65535,
   * a bad connection parameter), never quoting the password.
   */
  static parse(url: string, field = 'url'): BrokerAddress {
    const split = typeof url === 'string' ? splitBrokerUrl(url) : undefined;
    if (!split) {
      // The value is not quoted: a malformed URL may still hold a password.
      const got = typeof url === 'string' ? `a string of ${url.length} characters without "<scheme>://"` : typeof url;
      throw new PulseConfigError(field, `must be a URL like amqps://user:password@host:5671/vhost (got ${got})`);
    }
    const { hostname, port } = hostAndPort(split.location, split.scheme, field);
    return new BrokerAddress({
      scheme: split.scheme,
      hostname,
      port,
      username: split.user === undefined ? undefined : decodeLeniently(split.user),
      password: split.password === undefined ? undefined : decodeLeniently(split.password),
      rawPassword: split.password,
      vhost: vhostOf(split.path, field),
      path: split.path,
      query: connectionParameters(split.query, field),
    });
  }

  /** An address from separate settings (`PULSE_USERNAME`, `PULSE_PASSWORD`, ...): nothing needs encoding. */
  static fromParts(parts: {
    readonly protocol: string;
    readonly hostname: string;
    readonly port: number;
    readonly username: string;
    readonly password: string;
    readonly vhost: string;
  }): BrokerAddress {
    return new BrokerAddress({
      scheme: parts.protocol,
      hostname: parts.hostname,
      port: parts.port,
      username: parts.username,
      password: parts.password,
      rawPassword: undefined,
      vhost: parts.vhost,
      path: parts.vhost === '/' ? '' : `/${encodeURIComponent(parts.vhost)}`,
      query: new URLSearchParams(),
    });
  }

  /**
   * The same broker with another login (from a credentials provider): the
   * password is held, shown and redacted like one written in the URL.
   */
  withCredentials(username: string, password: string): BrokerAddress {
    return new BrokerAddress({ ...this.#parts(), username, password, rawPassword: undefined });
  }

  /** Whether `other` holds the same password (without revealing either). */
  hasSamePasswordAs(other: BrokerAddress): boolean {
    return this.#password === other.#password;
  }

  /** Whether the address carries a password (the only secret it holds). */
  get hasPassword(): boolean {
    return this.#password !== undefined && this.#password !== '';
  }

  /** A connection parameter from the query (`heartbeat`, `frameMax`, ...), as written. */
  parameter(name: ConnectionParameter): string | undefined {
    return this.#query.get(name) ?? undefined;
  }

  /** The same address with connection parameter `name` set, unless the URL already sets it. */
  withDefault(name: ConnectionParameter, value: number): BrokerAddress {
    if (this.#query.has(name)) return this;
    const query = new URLSearchParams(this.#query);
    query.set(name, String(value));
    return new BrokerAddress({ ...this.#parts(), query });
  }

  /**
   * What amqplib's `connect()` takes instead of a URL. The vhost is
   * percent-encoded because amqplib unescapes it once more.
   */
  amqplibOptions(): AmqplibConnectOptions {
    const numeric = (name: ConnectionParameter) => {
      const value = this.#query.get(name);
      return value === null ? undefined : Number(value);
    };
    return {
      protocol: this.scheme,
      hostname: this.hostname.replace(/^\[(.*)\]$/, '$1'),
      ...(this.port !== undefined ? { port: this.port } : {}),
      ...(this.username !== undefined ? { username: this.username, password: this.#password ?? '' } : {}),
      vhost: encodeURIComponent(this.vhost),
      ...definedOnly({
        heartbeat: numeric('heartbeat'),
        frameMax: numeric('frameMax'),
        channelMax: numeric('channelMax'),
        maxFrameSize: numeric('maxFrameSize'),
        locale: this.#query.get('locale') ?? undefined,
      }),
    };
  }

  /**
   * The URL with the password percent-encoded, for transports registered with
   * `registerConnector` (they take a URL). Never log it.
   */
  connectorUrl(): string {
    return this.#format(this.#password === undefined ? undefined : encodeURIComponent(this.#password));
  }

  /** `text` with every form of the password (as given, decoded, encoded) replaced by `***`. */
  redact(text: string): string {
    let redacted = text;
    for (const form of this.#secretForms) redacted = redacted.split(form).join('***');
    return redacted;
  }

  toString(): string {
    return this.display;
  }

  toJSON(): string {
    return this.display;
  }

  [inspect.custom](): string {
    return `BrokerAddress <${this.display}>`;
  }

  #parts(): AddressParts {
    return {
      scheme: this.scheme,
      hostname: this.hostname,
      port: this.port,
      username: this.username,
      password: this.#password,
      rawPassword: undefined,
      vhost: this.vhost,
      path: this.#path,
      query: this.#query,
    };
  }

  /** The URL with `password` standing for the password (`***` for display). */
  #format(password: string | undefined): string {
    let userinfo = '';
    if (this.username !== undefined) {
      userinfo = `${encodeURIComponent(this.username)}${this.#password !== undefined ? `:${password}` : ''}@`;
    }
    const port = this.port !== undefined ? `:${this.port}` : '';
    const query = this.#query.size > 0 ? `?${this.#query.toString()}` : '';
    return `${this.scheme}://${userinfo}${this.hostname}${port}${this.#path}${query}`;
  }
}

/** The object form of amqplib's `connect()` (its `Options.Connect`). */
export interface AmqplibConnectOptions {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly username?: string;
  readonly password?: string;
  readonly vhost: string;
  readonly heartbeat?: number;
  readonly frameMax?: number;
  readonly channelMax?: number;
  readonly maxFrameSize?: number;
  readonly locale?: string;
}

interface AddressParts {
  readonly scheme: string;
  readonly hostname: string;
  readonly port: number | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The password as written in the URL, before decoding. */
  readonly rawPassword: string | undefined;
  readonly vhost: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

function secretForms(password: string | undefined, raw: string | undefined, username: string | undefined): string[] {
  // A password equal to the username (guest:guest) is no secret, and masking it would garble every queue/<username>/… name in messages.
  if (!password || password === username) return [];
  const forms = new Set([password, encodeURIComponent(password), encodeURI(password), raw ?? password]);
  forms.delete('');
  return [...forms].sort((a, b) => b.length - a.length);
}

function definedOnly<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
