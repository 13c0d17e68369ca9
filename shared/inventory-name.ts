import { z } from 'zod';

/**
 * An inventory name (region, cluster, node, replica, job…): letters, digits, ".", "_" and "-",
 * starting with a letter or digit. Its own file so the inventory and the files it imports
 * (checkpoints.ts) share it without importing each other.
 */
export const InventoryName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected a name of letters, digits, ".", "_" or "-"');
