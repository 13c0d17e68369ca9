import { describe, expect, it } from 'vitest';
import { XID_CATALOGUE, describeXid } from '../../../electron/core/gpu/xid-catalogue';

const REQUIRED = [13, 31, 43, 45, 48, 61, 62, 63, 64, 68, 69, 74, 79, 92, 94, 95, 119, 120];

describe('XID catalogue', () => {
  it('knows every code the console promises, each with a meaning and an action', () => {
    for (const code of REQUIRED) {
      const info = XID_CATALOGUE.get(code);
      expect(info, `XID ${code}`).toBeDefined();
      expect(info!.meaning.length).toBeGreaterThan(10);
      expect(info!.action.length).toBeGreaterThan(10);
    }
  });

  it('rates hardware failures unhealthy and application faults degraded', () => {
    for (const code of [48, 62, 64, 74, 79, 95, 119, 120]) expect(describeXid(code).severity, `XID ${code}`).toBe('unhealthy');
    for (const code of [13, 31, 43, 45, 63, 92, 94]) expect(describeXid(code).severity, `XID ${code}`).toBe('degraded');
  });

  it('says what XID 79 is and what to do', () => {
    expect(describeXid(79)).toMatchObject({ meaning: 'GPU has fallen off the bus' });
    expect(describeXid(79).action).toMatch(/^drain the node and reboot/);
  });

  it('still decodes a code it does not know, as degraded', () => {
    expect(describeXid(9999)).toMatchObject({ code: 9999, severity: 'degraded' });
    expect(describeXid(9999).meaning).toContain('9999');
  });
});
