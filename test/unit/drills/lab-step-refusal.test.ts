import { describe, expect, it } from 'vitest';
import type { PlannedAction } from '../../../shared/runbook';
import { createStepActions } from '../../../electron/core/runbook-exec/step-actions';
import { noRuntime, rejection } from '../runbook-exec/step-test-helpers';

const inject: PlannedAction = { type: 'lab.fault', lab: '/tmp/a-lab', fault: { on: 'node', node: 'usw2-inf-01', kind: 'gpu-lost', gpuIndex: 0 } };

describe('lab steps outside a lab', () => {
  it('fail without a lab given to the step executor, naming the lab they were planned against', async () => {
    const err = await rejection(createStepActions({ runtimeFor: noRuntime }).run(inject, new AbortController().signal));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: 'lab faults go to a running fleetops lab only, and this console runs none (the step was planned against the lab in /tmp/a-lab)' });
  });
});
