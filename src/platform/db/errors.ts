// PostgreSQL's error codes that the code reacts to, in one place.

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

/** A unique constraint (or unique index) refused the row; `constraint` names which. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return codeOf(error) === '23505' && (error as { constraint?: unknown }).constraint === constraint;
}

/** A deadlock or serialization failure: the transaction may simply be tried again. */
export function isSerializationFailure(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40P01' || code === '40001';
}
