import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory, type LoadedInventory } from '../../../electron/core/inventory/load-inventory';

export const trainingInventoryPath = join(__dirname, '../../fixtures/training/fleet.yaml');

export function trainingFleet(): LoadedInventory {
  return parseInventory(readFileSync(trainingInventoryPath, 'utf8'), trainingInventoryPath, { homeDir: '/home/me', defaultUser: 'me' });
}
