import { methods, pushEvents } from '../contract';
import { FleetErrorData } from '../errors';
import { contractShapeTable } from './describe';

/** Where the table is kept, from the repository's root: the page imports it (renderer/src/api/parse.ts). */
export const CONTRACT_SHAPES_FILE = 'renderer/src/api/contract-shapes.json';

/** The file's text: the contract's shape table, one shape per line (a contract change shows as a readable diff). */
export function contractShapesJson(): string {
  const table = contractShapeTable({ methods, pushEvents, FleetErrorData });
  const shapes = table.shapes.map((s) => `    ${JSON.stringify(s)}`).join(',\n');
  const rest = (['methods', 'pushes'] as const).map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(table[k], null, 4).replace(/\n/g, '\n  ')}`).join(',\n');
  return `{\n  "shapes": [\n${shapes}\n  ],\n${rest},\n  "error": ${table.error}\n}\n`;
}
