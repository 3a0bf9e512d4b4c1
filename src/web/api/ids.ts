import { z } from 'zod';

/** A row id: a 32-bit integer on PostgreSQL, so a larger number is a 400, not a database error (a 500). */
export const DbId = z.number().int().positive().max(2 ** 31 - 1);
/** A row id in a path or query string. */
export const DbIdParam = z.coerce.number().int().positive().max(2 ** 31 - 1);
