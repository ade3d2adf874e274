// vqa2 ask, qbench (issue 7).
import { UsageError } from './output';

export async function cmdAsk(args: string[]): Promise<number> {
  void args;
  throw new UsageError('not built yet');
}

export async function cmdQbench(args: string[]): Promise<number> {
  void args;
  throw new UsageError('not built yet');
}

