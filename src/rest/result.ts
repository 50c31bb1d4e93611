// The outcome of a successful request: status code, headers, warnings and the body.

/**
 * A 2xx response, fully read.
 *
 * @example
 * const cm = (await rc.get().namespace('default').resource('configmaps').name('x').do()).into<ConfigMap>();
 */
export class Result {
  constructor(
    /** HTTP status code (2xx). */
    readonly statusCode: number,
    /** Response headers (lower-case names). */
    readonly headers: Record<string, string | string[] | undefined>,
    private readonly body: Buffer,
    /** Warning texts the server sent with this response. */
    readonly warnings: string[],
  ) {}

  /** The body bytes. */
  raw(): Buffer {
    return this.body;
  }

  /** The body decoded as JSON. Throws a SyntaxError naming the problem for non-JSON bodies. */
  into<T>(): T {
    if (this.body.length === 0) return undefined as T;
    return JSON.parse(this.body.toString('utf8')) as T;
  }

  /** Same as {@link into}. */
  object<T>(): T {
    return this.into<T>();
  }
}
