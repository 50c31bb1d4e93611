// A canned HttpResponse for round trips stubbed in unit tests.
import type { HttpResponse } from '../../src/rest/index.js';

/** A response whose body can be read more than once (scripts may repeat their last answer). */
export function cannedResponse(
  status: number,
  headers: Record<string, string | string[]> = {},
  body = '',
): HttpResponse {
  const bytes = Buffer.from(body);
  return {
    status,
    headers,
    body: {
      async *[Symbol.asyncIterator]() {
        yield bytes;
      },
      text: async () => body,
      arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    },
    dump: async () => {},
  };
}
