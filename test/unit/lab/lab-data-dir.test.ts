/**
 * Which data directory a command uses: a lab is recognised by the marker the lab writes in its
 * directory (never by its path or name), and then its own DIR/data is used unless --data-dir
 * names another; its audit identity carries the lab's origin either way.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseDataDir, cliAuditIdentity } from '../../../electron/cli/data-dir';
import { isLabDir, LAB_MARKER_FILE, labDirOfInventory, labMarkerText, labPaths } from '../../../electron/core/lab/lab-files';

const root = mkdtempSync(join(tmpdir(), 'fleetops-lab-data-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function dir(files: Record<string, string>): string {
  const d = join(root, `lab-${++n}`);
  mkdirSync(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const DEFAULT = '/home/op/.config/fleetops';
const choose = (input: Parameters<typeof chooseDataDir>[0]) => chooseDataDir(input, () => DEFAULT);

describe('lab marker', () => {
  it('marks a lab directory; its own fleet.yaml is a lab inventory', () => {
    const lab = dir({ [LAB_MARKER_FILE]: labMarkerText(), 'fleet.yaml': 'version: 1\n' });
    expect(isLabDir(lab)).toBe(true);
    expect(labDirOfInventory(join(lab, 'fleet.yaml'))).toBe(lab);
    expect(labPaths(lab)).toMatchObject({ markerFile: join(lab, LAB_MARKER_FILE), dataDir: join(lab, 'data') });
  });

  it.each([
    ['no marker (a lab-looking dir: fleet.yaml, lab.json, named lab)', { 'fleet.yaml': 'version: 1\n', 'lab.json': '{}' }],
    ['a marker that is not JSON', { [LAB_MARKER_FILE]: 'lab!', 'fleet.yaml': '' }],
    ['a marker of something else', { [LAB_MARKER_FILE]: '{"fleetops":"prod","version":1}', 'fleet.yaml': '' }],
  ])('is not guessed: %s', (_name, files) => {
    const d = dir(files);
    expect(isLabDir(d)).toBe(false);
    expect(labDirOfInventory(join(d, 'fleet.yaml'))).toBeNull();
    expect(choose({ inventoryPath: join(d, 'fleet.yaml') })).toEqual({ dataDir: DEFAULT, labDir: null, source: 'default' });
  });

  it("takes only the lab's own inventory file, not another file in the lab directory", () => {
    const lab = dir({ [LAB_MARKER_FILE]: labMarkerText(), 'fleet.yaml': '', 'edited.yaml': '' });
    expect(labDirOfInventory(join(lab, 'edited.yaml'))).toBeNull();
  });
});

describe('chooseDataDir', () => {
  const lab = dir({ [LAB_MARKER_FILE]: labMarkerText(), 'fleet.yaml': '' });

  it("uses a lab's own data directory for its inventory, or for a lab the command started", () => {
    expect(choose({ inventoryPath: join(lab, 'fleet.yaml') })).toEqual({ dataDir: join(lab, 'data'), labDir: lab, source: 'lab' });
    expect(choose({ labDir: lab, inventoryPath: join(lab, 'fleet.yaml') })).toEqual({ dataDir: join(lab, 'data'), labDir: lab, source: 'lab' });
  });

  it('lets --data-dir win, still knowing it is a lab', () => {
    expect(choose({ dataDir: '/srv/x', inventoryPath: join(lab, 'fleet.yaml') })).toEqual({ dataDir: '/srv/x', labDir: lab, source: 'option' });
  });

  it('uses the default for a real inventory or none', () => {
    expect(choose({ inventoryPath: '/etc/fleet.yaml' })).toEqual({ dataDir: DEFAULT, labDir: null, source: 'default' });
    expect(choose({})).toEqual({ dataDir: DEFAULT, labDir: null, source: 'default' });
  });
});

describe('cliAuditIdentity', () => {
  const os = () => ({ user: 'ops', host: 'box' });
  it("adds the lab's origin, and nothing for a real fleet", () => {
    expect(cliAuditIdentity('/tmp/lab', os)).toEqual({ user: 'ops', host: 'box', origin: 'lab:/tmp/lab' });
    expect(cliAuditIdentity(null, os)).toEqual({ user: 'ops', host: 'box' });
  });
});
