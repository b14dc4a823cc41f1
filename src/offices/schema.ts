import { z } from 'zod';

export const officeParamsSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
});
