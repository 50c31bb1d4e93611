// The generator's one error type: bad input or an output folder it must not replace.

/**
 * Generation failed before or while writing: unreadable or malformed input (the message starts with
 * its path), no resource to generate, or an output folder that is not a new, empty or earlier
 * generator folder. Nothing half-written is left behind.
 *
 * @example
 * try { await generate({ crdPath, outDir }); } catch (e) { if (e instanceof CodegenError) console.error(e.message); }
 */
export class CodegenError extends Error {
  override readonly name = 'CodegenError';
}
