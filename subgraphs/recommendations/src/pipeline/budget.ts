/** Raised when a stage runs past its time budget; the caller degrades as if the stage had failed. */
export class BudgetExceededError extends Error {
  constructor(readonly stage: string, readonly budgetMs: number) {
    super(`${stage} ran past its ${budgetMs} ms budget`);
    this.name = 'BudgetExceededError';
  }
}

/**
 * The stage's result if it settles within `ms`, else BudgetExceededError. The late work is not
 * cancelled (a database query cannot be, cheaply) but nobody waits for it.
 */
export async function withBudget<T>(stage: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BudgetExceededError(stage, ms)), ms);
  });
  work.catch(() => undefined); // a late failure must not surface as an unhandled rejection
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
