import { z } from 'zod';

export const SEARCH_MAX_LENGTH = 100;

/** ?q= of the search page; a repeated parameter counts by its first value. */
export const searchQuerySchema = z.object({
  q: z.preprocess(
    (value) => (Array.isArray(value) ? value[0] : value),
    z.string().trim().max(SEARCH_MAX_LENGTH).default(''),
  ),
});

export const concernParamsSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
});
