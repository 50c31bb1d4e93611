/** Path of a Node 24 binary, installing it first when missing; `say` gets a progress line. */
export function ensureNode24(say?: (line: string) => void): string;
