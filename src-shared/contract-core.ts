// Building blocks shared by the contract's domain files (contract.ts and contract-*.ts).
import { z } from 'zod';

/** `call<Output>()(inputSchema)`: the output is a type only; the input is checked at runtime. */
export function call<O>() {
  return <I extends z.ZodType>(input: I) => ({ input, output: undefined as unknown as O });
}

export const emptyInput = z.object({}).strict();
/** A random seed for reproducible orders and resamples (an unsigned 31-bit integer). */
export const seedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31);

export const videoIdSchema = z.number().int().positive();
