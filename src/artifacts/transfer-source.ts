/** Where to download from; `url` is asked again before every attempt (a signed URL may need renewing). */
export interface TransferSource {
  /** For messages, e.g. `artifact public/logs/live.log of task abc`. */
  readonly what: string;
  /**
   * The URL's path may hold a secret (a worker's livelog serves
   * `/log/<access token>`): messages quote only its origin.
   */
  readonly secretPath?: boolean;
  url(attempt: number): Promise<string>;
}
